import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { MegaphoneIcon, PlusIcon } from '../../components/Icons';
import { errorMessage } from '../../graphql/client';
import { fetchBroadcasts, FINAL_STATUSES, progressShare, type Broadcast } from '../../graphql/broadcasts';
import { fetchChannels } from '../../graphql/operations';
import { navigate } from '../../lib/router';
import { canManage, useViewer } from '../../lib/session';
import { BroadcastStatusBadge } from './BroadcastStatusBadge';

const PAGE = 50;
/** Running broadcasts move on their own: the list refreshes this often while one is not finished (its campaign page is pushed live). */
const REFRESH_MS = 4000;

/** The workspace's broadcasts, newest first: status, progress and counts; "New broadcast" opens the composer. */
export function Broadcasts() {
  const viewer = useViewer();
  const manages = () => !viewer()?.role || canManage(viewer()!.role);
  const [channels] = createResource(fetchChannels);
  const [rows, setRows] = createSignal<Broadcast[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [hasMore, setHasMore] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal('');

  // The first page is reloaded in place (a refresh keeps the older pages the user loaded below it).
  const loadFirst = async () => {
    try {
      const page = await fetchBroadcasts(PAGE);
      const fresh = new Set(page.broadcasts.map((b) => b.id));
      setRows((current) => [...page.broadcasts, ...current.slice(PAGE).filter((b) => !fresh.has(b.id))]);
      if (!loaded()) {
        setCursor(page.endCursor);
        setHasMore(page.hasNextPage);
      }
      setLoaded(true);
      setError('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const loadMore = async () => {
    try {
      const page = await fetchBroadcasts(PAGE, cursor());
      setRows((current) => [...current, ...page.broadcasts]);
      setCursor(page.endCursor);
      setHasMore(page.hasNextPage);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  void loadFirst();
  const timer = setInterval(() => {
    if (rows().some((b) => !FINAL_STATUSES.includes(b.status) && b.status !== 'DRAFT')) void loadFirst();
  }, REFRESH_MS);
  onCleanup(() => clearInterval(timer));

  const channelName = (id: string) => channels()?.find((c) => c.id === id)?.name ?? '';
  const open = (b: Broadcast) => navigate(`/broadcasts/${b.id}`);

  return (
    <div class="page broadcasts-page">
      <header class="page-header">
        <div>
          <h1>Broadcasts</h1>
          <p class="muted">Campaigns to a label, a segment or chosen contacts, paced by the channel and never sent twice.</p>
        </div>
        <Show when={manages()}>
          <button class="btn btn-primary" data-testid="new-broadcast" onClick={() => navigate('/broadcasts/new')}>
            <PlusIcon width="16" height="16" /> New broadcast
          </button>
        </Show>
      </header>
      <Show when={error()}><div class="alert alert-error" role="alert">{error()}</div></Show>

      <Show when={loaded() && rows().length === 0}>
        <div class="empty-state" data-testid="broadcasts-empty">
          <MegaphoneIcon width="40" height="40" />
          <h2>No broadcasts yet</h2>
          <p class="muted">Send one message to many contacts: pick a label or segment, write the text with their names in it, and watch it go out.</p>
        </div>
      </Show>
      <Show when={rows().length > 0}>
        <section class="card">
          <table class="table" data-testid="broadcasts-table">
            <thead>
              <tr>
                <th>Name</th><th>Status</th><th>Progress</th><th class="num">Sent</th><th class="num">Failed</th><th class="num">Skipped</th>
                <th>Created</th><th>Started</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(b) => (
                  <tr class="clickable-row" data-testid="broadcast-row" data-broadcast-id={b.id} onClick={() => open(b)}>
                    <td>
                      <a href={`/broadcasts/${b.id}`} data-testid="broadcast-name" onClick={(e) => { e.preventDefault(); e.stopPropagation(); open(b); }}>{b.name}</a>
                      <div class="muted small-text">{channelName(b.channelId)}</div>
                    </td>
                    <td><BroadcastStatusBadge status={b.status} /></td>
                    <td class="progress-cell">
                      <Show when={b.total > 0} fallback={<span class="muted">{b.status === 'SCHEDULED' && b.scheduledAt ? `at ${new Date(b.scheduledAt).toLocaleString()}` : '—'}</span>}>
                        <div class="progress progress-sm" role="progressbar" aria-valuenow={Math.round(progressShare(b) * 100)} aria-valuemin={0} aria-valuemax={100}>
                          <div class="progress-fill" style={{ width: `${progressShare(b) * 100}%` }} />
                        </div>
                        <span class="muted small-text">{b.total - b.pending} / {b.total}</span>
                      </Show>
                    </td>
                    <td class="num" data-testid="broadcast-sent">{b.sent + b.delivered + b.read}</td>
                    <td class="num">{b.failed + b.uncertain}</td>
                    <td class="num">{b.skipped}</td>
                    <td>{new Date(b.createdAt).toLocaleString()}</td>
                    <td>{b.startedAt ? new Date(b.startedAt).toLocaleString() : '—'}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={hasMore()}>
            <button class="btn btn-ghost btn-sm" data-testid="broadcasts-more" onClick={() => void loadMore()}>Load older broadcasts</button>
          </Show>
        </section>
      </Show>
    </div>
  );
}
