import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { ExternalIcon } from '../../components/Icons';
import { errorMessage } from '../../graphql/client';
import {
  cancelBroadcast, fetchBroadcast, FINAL_STATUSES, pauseBroadcast, progressShare, resumeBroadcast, startBroadcast, watchBroadcast,
  type Broadcast,
} from '../../graphql/broadcasts';
import { fetchLabels, fetchSegments } from '../../graphql/contacts';
import { fetchChannels } from '../../graphql/operations';
import { navigate } from '../../lib/router';
import { canManage, useViewer } from '../../lib/session';
import { BroadcastStatusBadge } from './BroadcastStatusBadge';
import { RecipientsTable } from './RecipientsTable';

const COUNTS = [
  ['pending', 'Pending'], ['sent', 'Sent'], ['delivered', 'Delivered'], ['read', 'Read'],
  ['failed', 'Failed'], ['skipped', 'Skipped'], ['uncertain', 'Uncertain'],
] as const;

/**
 * One broadcast's campaign page: status and progress pushed live by broadcastProgress, the count per
 * recipient status, the recipients with why each was skipped or failed, pause / resume / cancel as
 * the status allows, and the workflow in the Temporal Web UI.
 */
export function Campaign(props: { broadcastId: string }) {
  const viewer = useViewer();
  const manages = () => !viewer()?.role || canManage(viewer()!.role);
  const [broadcast, setBroadcast] = createSignal<Broadcast | null | undefined>(undefined);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal<'start' | 'pause' | 'resume' | 'cancel' | null>(null);
  // Bumped on each pushed change: the recipients table refreshes what it shows.
  const [version, setVersion] = createSignal(0);
  const [channels] = createResource(fetchChannels);
  const [labels] = createResource(fetchLabels);
  const [segments] = createResource(fetchSegments);

  const load = async () => {
    try {
      setBroadcast(await fetchBroadcast(props.broadcastId));
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  // The stream's `open` (each connect) reloads, so a change made while it was connecting is not missed.
  const stop = watchBroadcast(props.broadcastId, {
    open: () => void load(),
    next: (b) => {
      setBroadcast(b);
      setVersion((v) => v + 1);
    },
    error: (err) => setError(errorMessage(err)),
  });
  onCleanup(stop);

  const act = async (what: 'start' | 'pause' | 'resume' | 'cancel') => {
    const b = broadcast();
    if (!b) return;
    if (what === 'cancel' && !window.confirm(`Cancel “${b.name}”? Recipients not sent yet are skipped; this cannot be undone.`)) return;
    setBusy(what);
    setError('');
    try {
      const op = { start: startBroadcast, pause: pauseBroadcast, resume: resumeBroadcast, cancel: cancelBroadcast }[what];
      const next = await op(b.id);
      // Starting (or cancelling a draft) is written at once; a running one's pause, resume or cancel is a signal the workflow
      // answers by writing its status, which comes pushed (the row read here may be older than one already pushed).
      if (what === 'start' || b.status === 'DRAFT') setBroadcast(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  // A request stays "in progress" until the status it asks for arrives.
  const [requested, setRequested] = createSignal<'pause' | 'resume' | null>(null);
  createEffect(on(() => broadcast()?.status, (s) => {
    if ((requested() === 'pause' && s === 'PAUSED') || (requested() === 'resume' && s !== 'PAUSED') || (s && FINAL_STATUSES.includes(s))) setRequested(null);
  }));
  const request = (what: 'pause' | 'resume') => {
    setRequested(what);
    void act(what);
  };

  const channelName = (id: string) => channels()?.find((c) => c.id === id)?.name ?? '';
  const audienceText = (b: Broadcast) => {
    const a = b.audience;
    if (a.labelIds) return `Labels: ${a.labelIds.map((id) => labels()?.find((l) => l.id === id)?.name ?? 'deleted label').join(', ')}`;
    if (a.segmentId) return `Segment: ${segments()?.find((s) => s.id === a.segmentId)?.name ?? 'deleted segment'}`;
    return `${a.contactIds?.length ?? 0} chosen contact${a.contactIds?.length === 1 ? '' : 's'}`;
  };

  return (
    <div class="page campaign-page" data-testid="campaign">
      <Show when={broadcast() === null}>
        <div class="empty-state"><h2>Broadcast not found</h2><p class="muted"><a href="/broadcasts" onClick={(e) => { e.preventDefault(); navigate('/broadcasts'); }}>All broadcasts</a></p></div>
      </Show>
      <Show when={broadcast()}>
        {(b) => (
          <>
            <header class="page-header">
              <div>
                <button class="btn btn-ghost btn-sm" type="button" onClick={() => navigate('/broadcasts')}>← Broadcasts</button>
                <h1 data-testid="campaign-name">{b().name}</h1>
                <p class="muted">
                  <BroadcastStatusBadge status={b().status} />
                  {' · '}{channelName(b().channelId)}{' · '}{audienceText(b())}
                  <Show when={b().ratePerMinute}>{' · '}{b().ratePerMinute}/min</Show>
                </p>
              </div>
              <div class="row-actions">
                <Show when={b().temporalUrl}>
                  <a href={b().temporalUrl!} target="_blank" rel="noopener" class="btn btn-ghost btn-sm" data-testid="campaign-temporal">Temporal <ExternalIcon width="14" height="14" /></a>
                </Show>
                <Show when={manages()}>
                  <Show when={b().status === 'DRAFT'}>
                    <button class="btn btn-secondary" data-testid="campaign-edit" onClick={() => navigate(`/broadcasts/${b().id}/edit`)}>Edit</button>
                    <button class="btn btn-primary" data-testid="campaign-start" disabled={!!busy()} onClick={() => void act('start')}>
                      {b().scheduledAt && new Date(b().scheduledAt!).getTime() > Date.now() ? 'Schedule' : 'Start now'}
                    </button>
                  </Show>
                  <Show when={b().status === 'RUNNING' || b().status === 'PAUSED'}>
                    <Show when={b().status === 'RUNNING'} fallback={
                      <button class="btn btn-primary" data-testid="campaign-resume" disabled={!!busy() || requested() === 'resume'} onClick={() => request('resume')}>
                        {requested() === 'resume' ? 'Resuming…' : 'Resume'}
                      </button>
                    }>
                      <button class="btn btn-secondary" data-testid="campaign-pause" disabled={!!busy() || requested() === 'pause'} onClick={() => request('pause')}>
                        {requested() === 'pause' ? 'Pausing…' : 'Pause'}
                      </button>
                    </Show>
                  </Show>
                  <Show when={!FINAL_STATUSES.includes(b().status)}>
                    <button class="btn btn-secondary btn-danger" data-testid="campaign-cancel" disabled={!!busy()} onClick={() => void act('cancel')}>Cancel broadcast</button>
                  </Show>
                </Show>
              </div>
            </header>
            <Show when={error()}><div class="alert alert-error" role="alert" data-testid="campaign-error">{error()}</div></Show>
            <Show when={b().error}><div class="alert alert-error" data-testid="campaign-failure">{b().error}</div></Show>

            <section class="card campaign-progress">
              <div class="campaign-progress-head">
                <strong data-testid="campaign-done">{b().total - b().pending} of {b().total}</strong>
                <span class="muted">
                  <Show when={b().status === 'SCHEDULED' && b().scheduledAt}>Starts {new Date(b().scheduledAt!).toLocaleString()}</Show>
                  <Show when={b().status === 'DRAFT'}>Not started: the audience is counted when it starts.</Show>
                  <Show when={b().startedAt}>Started {new Date(b().startedAt!).toLocaleString()}</Show>
                  <Show when={b().finishedAt}>{' · '}ended {new Date(b().finishedAt!).toLocaleString()}</Show>
                </span>
              </div>
              <div class="progress progress-lg" role="progressbar" data-testid="campaign-progress" aria-valuemin={0} aria-valuemax={100}
                aria-valuenow={Math.round(progressShare(b()) * 100)}>
                <div class="progress-fill" style={{ width: `${progressShare(b()) * 100}%` }} />
              </div>
              <dl class="campaign-counts">
                <For each={COUNTS}>
                  {([key, label]) => (
                    <div class={`campaign-count count-${key}`} data-testid={`count-${key}`} data-value={b()[key]}>
                      <dt>{label}</dt><dd>{b()[key]}</dd>
                    </div>
                  )}
                </For>
              </dl>
            </section>

            <section class="card campaign-message">
              <h2 class="card-title">Message</h2>
              <Show when={b().text != null}><p class="reply-cell" data-testid="campaign-text">{b().text}</p></Show>
              <Show when={b().template}>
                {(t) => <p><strong>{t().name}</strong> <span class="muted">({t().language})</span> {t().variables.map((v, i) => `{{${i + 1}}} = ${v}`).join(' · ')}</p>}
              </Show>
            </section>

            <RecipientsTable broadcastId={b().id} version={version()} />
          </>
        )}
      </Show>
    </div>
  );
}
