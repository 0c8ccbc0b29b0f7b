import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { createPagedVirtualizer } from '../../lib/paged-virtualizer';
import { fetchRecipients, type BroadcastRecipient, type RecipientStatus } from '../../graphql/broadcasts';

const PAGE = 200;
/** One request re-reads at most this many rows (the API's page limit) when the broadcast moves. */
const REFRESH_MAX = 500;
/** Pushed changes come after every batch: the table re-reads at most this often. */
const REFRESH_MIN_MS = 1000;
const ROW_HEIGHT = 40;
/** The table grows with its rows up to this many, then scrolls. */
const VISIBLE_ROWS = 12;
const STATUSES: (RecipientStatus | 'ALL')[] = ['ALL', 'PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'SKIPPED', 'UNCERTAIN'];

/**
 * A broadcast's recipients: a virtualized table over keyset pages (a 100k audience keeps a window of
 * rows in the page), filtered by status, with why each was skipped or failed and when it was sent.
 * `version` changes when the broadcast moves; the rows loaded so far are re-read then, at most once a second.
 */
export function RecipientsTable(props: { broadcastId: string; version: number }) {
  const [status, setStatus] = createSignal<RecipientStatus | 'ALL'>('ALL');
  const [rows, setRows] = createSignal<BroadcastRecipient[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [hasMore, setHasMore] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal('');

  // A new filter starts a new list; an answer for an older filter that comes late is dropped.
  let generation = 0;
  const load = async (mode: 'reset' | 'more' | 'refresh') => {
    if (mode === 'more' && (loading() || !hasMore())) return;
    const gen = mode === 'reset' ? ++generation : generation;
    // Another filter's rows never show under this one, not even while its first page loads.
    if (mode === 'reset') {
      setRows([]);
      setLoaded(false);
    }
    const first = mode === 'refresh' ? Math.min(REFRESH_MAX, Math.max(PAGE, rows().length)) : PAGE;
    setLoading(true);
    try {
      const s = status();
      const page = await fetchRecipients(props.broadcastId, { first, after: mode === 'more' ? cursor() : null, status: s === 'ALL' ? null : s });
      if (gen !== generation) return;
      if (mode === 'more') setRows([...rows(), ...page.recipients]);
      else if (mode === 'reset' || rows().length <= first) setRows(page.recipients);
      // Rows beyond what one request re-reads stay as they were.
      else setRows([...page.recipients, ...rows().slice(first)]);
      if (mode !== 'refresh' || rows().length <= first) {
        setCursor(page.endCursor);
        setHasMore(page.hasNextPage);
      }
      setLoaded(true);
      setError('');
    } catch (err) {
      if (gen === generation) setError(errorMessage(err));
    } finally {
      if (gen === generation) setLoading(false);
    }
  };
  createEffect(on(status, () => void load('reset')));

  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(() => props.version, () => {
    if (timer) return;
    const wait = Math.max(0, last + REFRESH_MIN_MS - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      void load('refresh');
    }, wait);
  }, { defer: true }));
  onCleanup(() => clearTimeout(timer));

  let scroller!: HTMLDivElement;
  const virtualizer = createPagedVirtualizer({ rows, scroller: () => scroller, rowHeight: ROW_HEIGHT, loadMore: () => void load('more') });

  return (
    <section class="card recipients-card">
      <div class="card-head">
        <h2 class="card-title">Recipients</h2>
        <div class="segmented segmented-inline recipients-filter" role="tablist" aria-label="Filter by status">
          <For each={STATUSES}>
            {(s) => (
              <button type="button" role="tab" aria-selected={status() === s} classList={{ active: status() === s }} data-testid={`recipients-filter-${s.toLowerCase()}`} onClick={() => setStatus(s)}>
                {s === 'ALL' ? 'All' : s.toLowerCase()}
              </button>
            )}
          </For>
        </div>
      </div>
      <Show when={error()}><div class="field-error" role="alert">{error()}</div></Show>
      <div class="contacts-table recipients-table" role="table" data-testid="recipients-table">
        <div class="contacts-row recipients-row contacts-head" role="row">
          <span>Name</span><span>Phone</span><span>Status</span><span>Reason</span><span>Sent</span>
        </div>
        <div class="contacts-scroll recipients-scroll" ref={scroller} style={{ height: `${Math.min(VISIBLE_ROWS, Math.max(rows().length, 3)) * ROW_HEIGHT}px` }}>
          <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            <For each={virtualizer.getVirtualItems()}>
              {(item) => {
                const row = () => rows()[item.index];
                return (
                  <Show when={row()}>
                    {(r) => (
                      <div class="contacts-row recipients-row" role="row" data-testid="recipient-row" data-phone={r().contact.phone} data-status={r().status}
                        style={{ position: 'absolute', top: 0, left: 0, right: 0, height: `${ROW_HEIGHT}px`, transform: `translateY(${item.start}px)` }}>
                        <span data-testid="recipient-name">{r().contact.name ?? '—'}</span>
                        <span>{r().contact.phone}</span>
                        <span><span class={`status ${STATUS_TONE[r().status]}`} data-testid="recipient-status">{r().status.toLowerCase()}</span></span>
                        <span class="muted" data-testid="recipient-error" title={r().error ?? ''}>{r().error ?? ''}</span>
                        <span class="muted">{r().sentAt ? new Date(r().sentAt!).toLocaleString() : '—'}</span>
                      </div>
                    )}
                  </Show>
                );
              }}
            </For>
          </div>
          <Show when={loaded() && !loading() && rows().length === 0}>
            <div class="empty-state small" data-testid="recipients-empty">
              {status() === 'ALL' ? 'No recipients yet: the audience is snapshotted when the broadcast starts.' : `No recipient is ${status().toLowerCase()}.`}
            </div>
          </Show>
        </div>
      </div>
    </section>
  );
}

const STATUS_TONE: Record<RecipientStatus, string> = {
  PENDING: 'status-off',
  SENT: 'status-ok',
  DELIVERED: 'status-ok',
  READ: 'status-ok',
  FAILED: 'status-bad',
  SKIPPED: 'status-warn',
  UNCERTAIN: 'status-warn',
};
