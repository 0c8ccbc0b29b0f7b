import { createResource, createSignal, For, Show } from 'solid-js';
import { FlowIcon, PlusIcon, UploadIcon } from '../../components/Icons';
import { errorMessage } from '../../graphql/client';
import {
  createFlow, deleteFlow, exportFlow, fetchFlowRunCounts, fetchFlows, fetchFlowTemplates, importFlow, importFlowTemplate, type Flow,
} from '../../graphql/flows';
import { navigate } from '../../lib/router';
import { canManage, useViewer } from '../../lib/session';
import type { FlowDefinition } from '../../../../workflows/flows/definition';
import { blankDefinition, downloadJson } from './flow-files';

/** The workspace's flows: status, live version, priority and runs; create, import, export, delete. */
export function Flows() {
  const [flows, { mutate, refetch }] = createResource(fetchFlows);
  const [templates] = createResource(fetchFlowTemplates);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [showTemplates, setShowTemplates] = createSignal(false);
  const viewer = useViewer();
  const manages = () => !viewer()?.role || canManage(viewer()!.role);

  const open = (flow: Flow) => navigate(`/flows/${flow.id}`);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const createBlank = () => act(async () => open(await createFlow('Untitled flow', blankDefinition())));
  const fromTemplate = (templateId: string) => act(async () => open(await importFlowTemplate(templateId)));
  const remove = (flow: Flow) => {
    if (!window.confirm(`Delete the flow “${flow.name}”? No new runs start; its runs stay recorded.`)) return;
    void act(async () => {
      await deleteFlow(flow.id);
      mutate((current) => (current ?? []).filter((f) => f.id !== flow.id));
    });
  };
  const exportOne = (flow: Flow) => act(async () => downloadJson(`${flow.name}.flow.json`, await exportFlow(flow.id)));

  let fileInput: HTMLInputElement | undefined;
  const importFile = (file: File) => act(async () => {
    let definition: FlowDefinition;
    try {
      definition = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not JSON: export a flow to see the format.`);
    }
    const name = file.name.replace(/(\.flow)?\.json$/i, '') || 'Imported flow';
    const flow = await importFlow(name, definition);
    mutate((current) => [...(current ?? []), flow]);
    void refetch();
  });

  return (
    <div class="page flows-page">
      <header class="page-header">
        <div>
          <h1>Flows</h1>
          <p class="muted">Visual automations: a trigger starts a run that asks, branches, waits and calls your systems. Higher priority wins when several triggers match.</p>
        </div>
        <Show when={manages()}>
          <div class="page-actions">
            <input type="file" accept="application/json,.json" hidden ref={fileInput} data-testid="flow-import-file"
              onChange={(e) => { const file = e.currentTarget.files?.[0]; e.currentTarget.value = ''; if (file) void importFile(file); }} />
            <button class="btn btn-secondary" type="button" data-testid="flow-import" disabled={busy()} onClick={() => fileInput?.click()}>
              <UploadIcon width="16" height="16" /> Import JSON
            </button>
            <button class="btn btn-secondary" type="button" data-testid="flow-templates" disabled={busy()} onClick={() => setShowTemplates(!showTemplates())}>
              New from template
            </button>
            <button class="btn btn-primary" type="button" data-testid="flow-new" disabled={busy()} onClick={() => void createBlank()}>
              <PlusIcon width="16" height="16" /> New flow
            </button>
          </div>
        </Show>
      </header>
      <Show when={error()}><div class="alert alert-error" data-testid="flows-error">{error()}</div></Show>
      <Show when={flows.error}><div class="alert alert-error">{errorMessage(flows.error)}</div></Show>

      <Show when={showTemplates()}>
        <section class="card flow-template-grid" data-testid="flow-template-list">
          <For each={templates() ?? []}>
            {(t) => (
              <div class="flow-template" data-testid="flow-template" data-template-id={t.id}>
                <h3>{t.name}</h3>
                <p class="muted">{t.description}</p>
                <button class="btn btn-primary btn-sm" type="button" data-testid="flow-template-use" disabled={busy()} onClick={() => void fromTemplate(t.id)}>
                  Use this template
                </button>
              </div>
            )}
          </For>
        </section>
      </Show>

      <section class="card">
        <Show when={flows() && flows()!.length === 0}>
          <div class="empty-state small">
            <FlowIcon width="32" height="32" />
            <p>No flows yet. Start from a template (booking, order tracking, FAQ, lead qualification) or a blank canvas.</p>
          </div>
        </Show>
        <Show when={(flows() ?? []).length > 0}>
          <table class="table" data-testid="flows-table">
            <thead>
              <tr><th>Name</th><th>Trigger</th><th>Status</th><th class="num">Live version</th><th class="num">Priority</th><th class="num">Runs</th><th /></tr>
            </thead>
            <tbody>
              <For each={flows()}>
                {(flow) => (
                  <tr data-testid="flow-row" data-flow-id={flow.id}>
                    <td>
                      <a href={`/flows/${flow.id}`} class="flow-name" data-testid="flow-name" onClick={(e) => { e.preventDefault(); open(flow); }}>{flow.name}</a>
                      <Show when={flow.problems.length > 0}>
                        <div class="muted small-text">{flow.problems.length} problem{flow.problems.length === 1 ? '' : 's'} in the draft</div>
                      </Show>
                    </td>
                    <td class="muted">{flow.triggerSummary ?? 'no trigger'}</td>
                    <td><FlowStatusBadge status={flow.status} /></td>
                    <td class="num" data-testid="flow-version">{flow.publishedVersion ? `v${flow.publishedVersion}` : '—'}</td>
                    <td class="num">{flow.priority}</td>
                    <td class="num"><RunCount flowId={flow.id} /></td>
                    <td class="row-actions">
                      <button class="btn btn-ghost btn-sm" type="button" data-testid="flow-edit" onClick={() => open(flow)}>{manages() ? 'Edit' : 'View'}</button>
                      <button class="btn btn-ghost btn-sm" type="button" data-testid="flow-runs" onClick={() => navigate(`/flows/${flow.id}/runs`)}>Runs</button>
                      <button class="btn btn-ghost btn-sm" type="button" data-testid="flow-export" onClick={() => void exportOne(flow)}>Export</button>
                      <Show when={manages()}>
                        <button class="btn btn-ghost btn-sm" type="button" data-testid="flow-delete" onClick={() => remove(flow)}>Delete</button>
                      </Show>
                    </td>
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

/** DRAFT, PUBLISHED (or whatever else the API says) as a coloured word. */
export function FlowStatusBadge(props: { status: string }) {
  return (
    <span data-testid="flow-status" data-status={props.status}
      classList={{ status: true, 'status-ok': props.status === 'PUBLISHED', 'status-off': props.status !== 'PUBLISHED' }}>
      {props.status === 'PUBLISHED' ? 'Published' : props.status === 'DRAFT' ? 'Draft' : props.status.toLowerCase()}
    </span>
  );
}

function RunCount(props: { flowId: string }) {
  const [counts] = createResource(() => props.flowId, fetchFlowRunCounts);
  return (
    <Show when={counts()} fallback="…">
      {(c) => <span title={`${c().active} running or waiting`}>{c().total >= 200 ? '200+' : c().total}<Show when={c().active > 0}> <span class="muted">({c().active} active)</span></Show></span>}
    </Show>
  );
}
