import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { ExternalIcon } from '../../components/Icons';
import { errorMessage } from '../../graphql/client';
import { fetchFlow, fetchFlowRuns, fetchFlowStats, fetchRunContact, type FlowRunStatus } from '../../graphql/flows';
import { navigate } from '../../lib/router';
import { nodeKind } from './node-catalog';

const STATUSES: (FlowRunStatus | 'ALL')[] = ['ALL', 'RUNNING', 'WAITING', 'COMPLETED', 'CANCELLED', 'FAILED'];
/** Runs move on their own (timers, replies): the list refreshes this often while open. */
const REFRESH_MS = 5000;

/** A flow's runs (status, contact, current step, variables, why it failed, its Temporal workflow) and its per-step funnel. */
export function FlowRuns(props: { flowId: string }) {
  const [status, setStatus] = createSignal<FlowRunStatus | 'ALL'>('ALL');
  const [flow] = createResource(() => props.flowId, fetchFlow);
  const [runs, { refetch }] = createResource(() => ({ id: props.flowId, status: status() }), ({ id, status: s }) => fetchFlowRuns(id, s === 'ALL' ? null : s, 100));
  const [stats, { refetch: refetchStats }] = createResource(() => props.flowId, fetchFlowStats);
  const timer = setInterval(() => { void refetch(); void refetchStats(); }, REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  const nodeType = (id: string | null) => flow()?.draft.nodes.find((n) => n.id === id)?.type;

  return (
    <div class="page flow-runs-page" data-testid="flow-runs">
      <header class="page-header">
        <div>
          <button class="btn btn-ghost btn-sm" type="button" onClick={() => navigate(`/flows/${props.flowId}`)}>← Builder</button>
          <h1>Runs of {flow()?.name ?? '…'}</h1>
          <p class="muted">Each run is a durable workflow; it keeps the version it started with.</p>
        </div>
        <div class="segmented" role="tablist" aria-label="Filter by status">
          <For each={STATUSES}>
            {(s) => (
              <button type="button" role="tab" aria-selected={status() === s} classList={{ active: status() === s }} data-testid={`runs-filter-${s.toLowerCase()}`} onClick={() => setStatus(s)}>
                {s === 'ALL' ? 'All' : s.toLowerCase()}
              </button>
            )}
          </For>
        </div>
      </header>
      <Show when={runs.error}><div class="alert alert-error">{errorMessage(runs.error)}</div></Show>

      <section class="card">
        <h2 class="card-title">Runs</h2>
        <Show when={runs() && runs()!.length === 0}>
          <div class="empty-state small"><p>No runs{status() === 'ALL' ? ' yet. Publish the flow and trigger it from a chat (or the simulator).' : ` ${status().toLowerCase()}.`}</p></div>
        </Show>
        <Show when={(runs() ?? []).length > 0}>
          <table class="table" data-testid="runs-table">
            <thead><tr><th>Status</th><th>Contact</th><th>Current step</th><th class="num">Version</th><th>Started</th><th>Ended</th><th>Variables</th><th /></tr></thead>
            <tbody>
              <For each={runs()}>
                {(run) => (
                  <tr data-testid="run-row" data-run-id={run.id} data-status={run.status}>
                    <td>
                      <span classList={{ status: true, 'status-ok': run.status === 'COMPLETED', 'status-warn': run.status === 'RUNNING' || run.status === 'WAITING', 'status-off': run.status === 'CANCELLED' || run.status === 'FAILED' }}>
                        {run.status.toLowerCase()}
                      </span>
                      <Show when={run.error}><div class="run-error" data-testid="run-error">{run.error}</div></Show>
                    </td>
                    <td><RunContact conversationId={run.conversationId} /></td>
                    <td>
                      <Show when={run.currentNodeId} fallback="—">
                        <code>{run.currentNodeId}</code> <span class="muted">{nodeType(run.currentNodeId) ? nodeKind(nodeType(run.currentNodeId)!).label : ''}</span>
                      </Show>
                    </td>
                    <td class="num">v{run.version}</td>
                    <td>{new Date(run.startedAt).toLocaleString()}</td>
                    <td>{run.endedAt ? new Date(run.endedAt).toLocaleString() : '—'}</td>
                    <td><code class="run-variables">{Object.keys(run.variables ?? {}).length ? JSON.stringify(run.variables) : '—'}</code></td>
                    <td>
                      <Show when={run.temporalUrl}>
                        <a href={run.temporalUrl!} target="_blank" rel="noopener" class="btn btn-ghost btn-sm" data-testid="run-temporal">Temporal <ExternalIcon width="14" height="14" /></a>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>

      <section class="card">
        <h2 class="card-title">Funnel per step</h2>
        <Show when={(stats() ?? []).length > 0} fallback={<p class="muted">No step has been entered yet.</p>}>
          <table class="table" data-testid="funnel-table">
            <thead><tr><th>Step</th><th class="num">Entered</th><th class="num">Went on</th><th class="num">Stopped here</th></tr></thead>
            <tbody>
              <For each={stats()}>
                {(s) => (
                  <tr data-testid="funnel-row" data-node-id={s.nodeId}>
                    <td><code>{s.nodeId}</code> <span class="muted">{nodeType(s.nodeId) ? nodeKind(nodeType(s.nodeId)!).label : '(no longer in the draft)'}</span></td>
                    <td class="num">{s.entered}</td><td class="num">{s.completed}</td><td class="num">{s.dropped}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>
    </div>
  );
}

/** The run's contact, from its conversation; links to the thread in the inbox. */
function RunContact(props: { conversationId: string }) {
  const [contact] = createResource(() => props.conversationId, (id) => fetchRunContact(id).catch(() => null));
  return (
    <a href={`/inbox/${props.conversationId}`} data-testid="run-contact" onClick={(e) => { e.preventDefault(); navigate(`/inbox/${props.conversationId}`); }}>
      {contact()?.name || contact()?.phone || 'Conversation'}
    </a>
  );
}
