import {
  Background, Controls, MiniMap, SolidFlow, createEdgeStore, createNodeStore, useSolidFlow, useUpdateNodeInternals,
  type EdgeConnection, type NodeTypes,
} from '@dschz/solid-flow';
import '@dschz/solid-flow/styles';
import { produce } from 'solid-js/store';
import { batch, createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { FlowDefinition, FlowEdge, FlowNodeType, FlowProblem } from '../../../../workflows/flows/definition';
import { validateFlow } from '../../../../workflows/flows/validate';
import { SimulatorPhone } from '../../components/SimulatorPhone';
import { errorMessage } from '../../graphql/client';
import { fetchFlow, fetchFlowStats, publishFlow, startFlow, updateFlow, type Flow, type FlowNodeStat } from '../../graphql/flows';
import { fetchChannels } from '../../graphql/operations';
import { navigate } from '../../lib/router';
import { canManage, useViewer } from '../../lib/session';
import { FlowStatusBadge } from './Flows';
import { defaultData, freshId, NODE_KINDS, nodeBranches, nodeKind, toDefinition } from './node-catalog';
import { NodeEditor } from './NodeEditor';
import { NodePreview } from './NodePreview';
import { BuilderContext, NodeView } from './NodeView';

/** Autosave waits this long after the last change, so typing a text saves once. */
const AUTOSAVE_MS = 700;
/** How often the canvas's funnel numbers are refreshed while the builder is open. */
const STATS_REFRESH_MS = 15_000;
const FAILURE_BRANCHES = new Set(['invalid', 'timeout', 'error']);
const DRAG_TYPE = 'application/x-parley-node';

const NODE_TYPES = Object.fromEntries(NODE_KINDS.map((k) => [k.type, NodeView])) as unknown as NodeTypes;

/** The visual builder for one flow: loads it, then edits its draft on the canvas. */
export function FlowBuilder(props: { flowId: string }) {
  const [flow] = createResource(() => props.flowId, fetchFlow);
  return (
    <Show when={flow()} keyed fallback={
      <div class="page">
        <Show when={flow.error} fallback={<div class="page-loading"><span class="spinner" /></div>}>
          <div class="alert alert-error" data-testid="builder-error">{errorMessage(flow.error)}</div>
          <button class="btn btn-secondary" onClick={() => navigate('/flows')}>Back to flows</button>
        </Show>
      </div>
    }>
      {(loaded) => <Builder flow={loaded} />}
    </Show>
  );
}

type CanvasNode = { id: string; type: string; data: Record<string, any>; position: { x: number; y: number }; selected?: boolean };
type CanvasEdge = FlowEdge & { class?: string; selected?: boolean };

const edgeClass = (handle: string | null | undefined) => (handle && FAILURE_BRANCHES.has(handle) ? 'flow-edge-failure' : undefined);
const toCanvasEdge = (e: FlowEdge): CanvasEdge => ({ id: e.id, source: e.source, target: e.target, sourceHandle: e.sourceHandle ?? null, class: edgeClass(e.sourceHandle) });

function Builder(props: { flow: Flow }) {
  const viewer = useViewer();
  const readOnly = () => !!viewer()?.role && !canManage(viewer()!.role);
  const [meta, setMeta] = createSignal({ name: props.flow.name, status: props.flow.status, publishedVersion: props.flow.publishedVersion, priority: props.flow.priority });
  const initial = props.flow.draft;
  const [nodes, setNodes] = createNodeStore<typeof NODE_TYPES>(initial.nodes.map((n) => ({ id: n.id, type: n.type, data: structuredClone(n.data), position: { ...n.position } })) as never);
  const [edges, setEdges] = createEdgeStore(initial.edges.map(toCanvasEdge));
  const canvasNodes = () => nodes as unknown as CanvasNode[];
  const canvasEdges = () => edges as unknown as CanvasEdge[];

  const definition = createMemo<FlowDefinition>(() => toDefinition(canvasNodes(), canvasEdges()), initial, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  const liveProblems = createMemo(() => validateFlow(definition()));
  /** What the last publish refused for beyond the live checks (the workspace's regex budget); cleared by the next edit. */
  const [serverProblems, setServerProblems] = createSignal<FlowProblem[]>([]);
  const problems = createMemo(() => {
    const seen = new Set(liveProblems().map((p) => `${p.nodeId}\u0000${p.message}`));
    return [...liveProblems(), ...serverProblems().filter((p) => !seen.has(`${p.nodeId}\u0000${p.message}`))];
  });
  const problemsOf = (nodeId: string) => problems().filter((p) => p.nodeId === nodeId);

  const [stats, { refetch: refetchStats }] = createResource(() => props.flow.id, (id) => fetchFlowStats(id).catch(() => [] as FlowNodeStat[]));
  const statTimer = setInterval(() => void refetchStats(), STATS_REFRESH_MS);
  onCleanup(() => clearInterval(statTimer));

  const [selectedId, setSelectedId] = createSignal<string | null>(null);
  const [focused, setFocused] = createSignal<string | null>(null);
  const selected = () => canvasNodes().find((n) => n.id === selectedId()) ?? null;
  const selectedEdge = () => canvasEdges().find((e) => e.selected) ?? null;

  // Autosave: the draft is saved shortly after each change; a publish or leaving the page saves at once.
  const [saveState, setSaveState] = createSignal<'saved' | 'pending' | 'saving' | 'error'>('saved');
  const [saveError, setSaveError] = createSignal('');
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();
  let lastSaved = JSON.stringify(initial);
  const saveNow = (): Promise<void> => {
    clearTimeout(saveTimer);
    saving = saving.then(async () => {
      const def = definition();
      const text = JSON.stringify(def);
      if (text === lastSaved) {
        setSaveState('saved');
        return;
      }
      setSaveState('saving');
      try {
        const saved = await updateFlow(props.flow.id, { definition: def });
        lastSaved = text;
        setMeta((m) => ({ ...m, status: saved.status, publishedVersion: saved.publishedVersion }));
        setSaveState(JSON.stringify(definition()) === lastSaved ? 'saved' : 'pending');
        setSaveError('');
      } catch (err) {
        setSaveState('error');
        setSaveError(errorMessage(err));
      }
    });
    return saving;
  };
  createEffect(on(definition, () => {
    if (readOnly()) return;
    setServerProblems([]);
    setSaveState('pending');
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveNow(), AUTOSAVE_MS);
  }, { defer: true }));
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (saveState() !== 'saved') e.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  onCleanup(() => {
    window.removeEventListener('beforeunload', beforeUnload);
    if (saveState() === 'pending') void saveNow();
  });

  const [publishing, setPublishing] = createSignal(false);
  const [publishMessage, setPublishMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const publish = async () => {
    setPublishing(true);
    setPublishMessage(null);
    try {
      await saveNow();
      if (saveState() === 'error') throw new Error(`The draft could not be saved: ${saveError()}`);
      const result = await publishFlow(props.flow.id);
      setMeta((m) => ({ ...m, status: result.flow.status, publishedVersion: result.flow.publishedVersion }));
      if (result.problems.length > 0) {
        setServerProblems(result.problems);
        setPublishMessage({ ok: false, text: `Not published: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} to fix. ${result.version ? `Version ${result.version} stays live.` : 'Nothing is live yet.'}` });
      } else {
        setPublishMessage({ ok: true, text: `Published version ${result.version}. New conversations start it from their next message; runs in progress keep their version.` });
      }
    } catch (err) {
      setPublishMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setPublishing(false);
    }
  };

  const saveMeta = async (change: { name?: string; priority?: number }) => {
    try {
      const saved = await updateFlow(props.flow.id, change);
      setMeta((m) => ({ ...m, name: saved.name, priority: saved.priority }));
    } catch (err) {
      setSaveError(errorMessage(err));
      setSaveState('error');
    }
  };

  // The canvas's own API (positions, centring), available once SolidFlow has mounted.
  let api: ReturnType<typeof useSolidFlow> | undefined;
  let refreshHandles: ReturnType<typeof useUpdateNodeInternals> | undefined;

  const selectNode = (id: string | null) => {
    setSelectedId(id);
    setNodes(() => true, produce((n: CanvasNode) => { n.selected = n.id === id; }) as never);
  };

  const addNode = (type: FlowNodeType, position?: { x: number; y: number }) => {
    if (readOnly()) return;
    const id = freshId(type === 'setVariable' ? 'set' : type, canvasNodes().map((n) => n.id));
    const at = position ?? centre();
    setNodes(nodes.length, { id, type, data: defaultData(type), position: at } as never);
    selectNode(id);
  };
  const centre = () => {
    const pane = document.querySelector('.flow-canvas')?.getBoundingClientRect();
    if (!api || !pane) return { x: 0, y: 0 };
    const p = api.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 3 });
    // Nodes added one after another step down, not onto each other.
    return { x: Math.round(p.x - 110), y: Math.round(p.y + (canvasNodes().length % 5) * 24) };
  };

  const changeData = (id: string, patch: Record<string, unknown>) => {
    batch(() => {
      const index = canvasNodes().findIndex((n) => n.id === id);
      if (index === -1) return;
      for (const [key, value] of Object.entries(patch)) setNodes(index, 'data' as never, key as never, value as never);
      // A removed button, row or rule takes its edge with it.
      const node = canvasNodes()[index];
      const branches = new Set(nodeBranches(node.type, node.data).map((b) => b.id ?? ''));
      setEdges((list) => list.filter((e) => e.source !== id || branches.has(e.sourceHandle ?? '')));
    });
    queueMicrotask(() => refreshHandles?.(id));
  };

  const deleteNode = (id: string) => {
    batch(() => {
      setEdges((list) => list.filter((e) => e.source !== id && e.target !== id));
      setNodes((list) => list.filter((n) => n.id !== id));
    });
    setSelectedId(null);
  };
  const deleteEdge = (id: string) => setEdges((list) => list.filter((e) => e.id !== id));

  // One edge per branch: drawing from a branch already connected moves that edge.
  const beforeConnect = (c: EdgeConnection) => {
    const handle = c.sourceHandle ?? null;
    setEdges((list) => list.filter((e) => !(e.source === c.source && (e.sourceHandle ?? null) === handle)));
    const id = freshId(`${c.source}-${handle ?? 'next'}-${c.target}`, canvasEdges().map((e) => e.id)).replace(/-1$/, '');
    return { ...c, id, class: edgeClass(handle) };
  };

  const focusProblem = (p: FlowProblem) => {
    const node = canvasNodes().find((n) => n.id === p.nodeId) ?? canvasNodes().find((n) => canvasEdges().some((e) => e.id === p.nodeId && e.source === n.id));
    if (!node) return;
    selectNode(node.id);
    setFocused(node.id);
    setTimeout(() => setFocused((f) => (f === node.id ? null : f)), 2500);
    void api?.setCenter(node.position.x + 110, node.position.y + 60, { zoom: Math.max(api.getZoom(), 1), duration: 300 });
  };

  const variables = createMemo(() => {
    const names = new Set(['contact.name', 'contact.phone']);
    for (const n of definition().nodes) {
      const data = n.data as Record<string, unknown>;
      const name = n.type === 'setVariable' ? data.name : n.type === 'question' || n.type === 'webhook' ? data.saveAs : undefined;
      if (typeof name === 'string' && name) names.add(name);
    }
    return [...names];
  });

  const [showSimulator, setShowSimulator] = createSignal(false);
  const [channels] = createResource(() => showSimulator() || undefined, () => fetchChannels());
  const simulatorChannels = () => (channels() ?? []).filter((c) => c.kind === 'SIMULATOR');
  const triggerHint = () => {
    const trigger = definition().nodes.find((n) => n.type === 'trigger');
    const data = (trigger?.data ?? {}) as Record<string, any>;
    if (data.on === 'keyword') return `Send “${data.keywords?.[0] ?? ''}” from the phone to start the flow.`;
    if (data.on === 'first_message') return 'Use a new customer phone number: its first message starts the flow.';
    return 'This trigger does not start from a chat message: send the phone a message, then Start now.';
  };
  // "Start now": the live version in the phone's conversation (startFlow), whatever the trigger.
  const [simConversation, setSimConversation] = createSignal<string | null>(null);
  const [starting, setStarting] = createSignal(false);
  const [startMessage, setStartMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const startNow = async () => {
    const conversationId = simConversation();
    if (!conversationId || starting()) return;
    setStarting(true);
    setStartMessage(null);
    try {
      await startFlow(props.flow.id, conversationId);
      setStartMessage({ ok: true, text: `Started v${meta().publishedVersion} in the phone's chat.` });
    } catch (err) {
      setStartMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setStarting(false);
    }
  };

  const view = { problems: problemsOf, stat: (id: string) => stats()?.find((s) => s.nodeId === id), focused };

  return (
    <BuilderContext.Provider value={view}>
      <div classList={{ builder: true, 'with-simulator': showSimulator() }} data-testid="flow-builder">
        <header class="builder-header">
          <button class="btn btn-ghost btn-sm" type="button" data-testid="builder-back" onClick={() => { void saveNow(); navigate('/flows'); }}>← Flows</button>
          <input class="builder-name" data-testid="builder-name" value={meta().name} disabled={readOnly()}
            onChange={(e) => { const name = e.currentTarget.value.trim(); if (name && name !== meta().name) void saveMeta({ name }); }} />
          <FlowStatusBadge status={meta().status} />
          <span class="tag" data-testid="builder-version">{meta().publishedVersion ? `Live: v${meta().publishedVersion}` : 'Not published'}</span>
          <label class="builder-priority" title="Between flows whose triggers match one message, the higher priority starts">
            Priority <input type="number" data-testid="builder-priority" value={meta().priority} disabled={readOnly()}
              onChange={(e) => void saveMeta({ priority: Math.round(Number(e.currentTarget.value) || 0) })} />
          </label>
          <span class="builder-save" data-testid="save-state" data-state={saveState()}>
            {{ saved: 'All changes saved', pending: 'Unsaved changes…', saving: 'Saving…', error: `Not saved: ${saveError()}` }[saveState()]}
          </span>
          <div class="builder-actions">
            <button class="btn btn-ghost btn-sm" type="button" data-testid="builder-runs" onClick={() => { void saveNow(); navigate(`/flows/${props.flow.id}/runs`); }}>Runs</button>
            <button classList={{ btn: true, 'btn-secondary': true, 'btn-sm': true, active: showSimulator() }} type="button" data-testid="builder-test"
              onClick={() => setShowSimulator(!showSimulator())}>Test in simulator</button>
            <Show when={!readOnly()}>
              <button class="btn btn-secondary btn-sm" type="button" data-testid="builder-save" disabled={saveState() === 'saved'} onClick={() => void saveNow()}>Save</button>
              <button class="btn btn-primary btn-sm" type="button" data-testid="builder-publish" disabled={publishing()} onClick={() => void publish()}>
                {publishing() ? 'Publishing…' : 'Publish'}
              </button>
            </Show>
          </div>
        </header>
        <Show when={publishMessage()}>
          {(m) => <div classList={{ alert: true, 'alert-success': m().ok, 'alert-error': !m().ok, 'builder-alert': true }} data-testid="publish-result">{m().text}</div>}
        </Show>

        <aside class="builder-palette" data-testid="node-palette">
          <div class="builder-section-title">Add a step</div>
          <For each={NODE_KINDS}>
            {(kind) => (
              <button type="button" class="palette-item" draggable={!readOnly()} disabled={readOnly()} title={kind.hint}
                style={{ '--node-color': kind.color }} data-testid="palette-item" data-node-type={kind.type}
                onDragStart={(e) => { e.dataTransfer?.setData(DRAG_TYPE, kind.type); if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move'; }}
                onClick={() => addNode(kind.type)}>
                <span class="flow-node-glyph">{kind.glyph}</span> {kind.label}
              </button>
            )}
          </For>
          <p class="muted small-text">Drag a step onto the canvas (or click it), then draw an edge from a branch's dot to the next step. Select an edge or node and press Delete to remove it.</p>
        </aside>

        <section class="flow-canvas" data-testid="flow-canvas"
          onDragOver={(e) => { if (e.dataTransfer?.types.includes(DRAG_TYPE)) { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; } }}
          onDrop={(e) => {
            const type = e.dataTransfer?.getData(DRAG_TYPE) as FlowNodeType | undefined;
            if (!type || !api) return;
            e.preventDefault();
            const p = api.screenToFlowPosition({ x: e.clientX, y: e.clientY });
            addNode(type, { x: Math.round(p.x - 110), y: Math.round(p.y - 20) });
          }}>
          <SolidFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} fitView fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
            nodesDraggable={!readOnly()} nodesConnectable={!readOnly()} deleteKey={readOnly() ? null : ['Backspace', 'Delete']}
            defaultEdgeOptions={{ type: 'smoothstep' }}
            isValidConnection={(c) => c.source !== c.target}
            onBeforeConnect={beforeConnect as never}
            onNodeClick={({ node }) => setSelectedId(node.id)}
            onPaneClick={() => setSelectedId(null)}
            onEdgeClick={() => setSelectedId(null)}
            onDelete={({ nodes: gone }) => { if (gone.some((n) => n.id === selectedId())) setSelectedId(null); }}>
            <CanvasApi ready={(flowApi, update) => { api = flowApi; refreshHandles = update; }} />
            <Controls />
            <MiniMap nodeColor={(n) => nodeKind(n.type ?? 'end').color} pannable zoomable />
            <Background variant="dots" />
          </SolidFlow>
          <ProblemsPanel problems={problems()} onSelect={focusProblem} />
        </section>

        <aside class="builder-side" data-testid="builder-side">
          <Show when={showSimulator()}>
            <div class="builder-simulator" data-testid="builder-simulator">
              <div class="notice">
                <span>
                  {meta().publishedVersion ? triggerHint() : 'Publish the flow first: the simulator talks to the live version.'}
                  {' '}Runs appear under <a href={`/flows/${props.flow.id}/runs`} onClick={(e) => { e.preventDefault(); navigate(`/flows/${props.flow.id}/runs`); }}>Runs</a>.
                </span>
              </div>
              <Show when={simulatorChannels().length > 0} fallback={
                <div class="empty-state small"><p>No simulator channel yet.</p>
                  <button class="btn btn-primary btn-sm" onClick={() => navigate('/channels')}>Create one</button></div>
              }>
                <div class="builder-start-now">
                  <button class="btn btn-primary btn-sm" type="button" data-testid="builder-start-now"
                    disabled={!meta().publishedVersion || !simConversation() || starting()}
                    title={!meta().publishedVersion ? 'Publish the flow first' : !simConversation() ? "Send a message from the phone first: the flow starts in its chat" : 'Start the live version in this chat now'}
                    onClick={() => void startNow()}>{starting() ? 'Starting…' : 'Start now'}</button>
                  <Show when={startMessage()}>
                    {(m) => <span classList={{ 'small-text': true, 'text-error': !m().ok, muted: m().ok }} data-testid="builder-start-result">{m().text}</span>}
                  </Show>
                </div>
                <SimulatorPhone channels={simulatorChannels()} onConversation={setSimConversation} />
              </Show>
            </div>
          </Show>
          <Show when={!showSimulator()}>
            <Show when={selected()} keyed fallback={
              <Show when={selectedEdge()} fallback={<div class="empty-state small"><p>Select a step to configure it.</p></div>}>
                {(edge) => (
                  <div class="node-editor" data-testid="edge-editor">
                    <div class="node-editor-title">Connection</div>
                    <p class="muted">{edge().source} ({edge().sourceHandle ?? 'next'}) → {edge().target}</p>
                    <Show when={!readOnly()}>
                      <button class="btn btn-secondary btn-sm" type="button" data-testid="edge-delete" onClick={() => deleteEdge(edge().id)}>Delete connection</button>
                    </Show>
                  </div>
                )}
              </Show>
            }>
              {(node) => (
                <>
                  <NodeEditor nodeId={node.id} type={node.type} data={node.data} variables={variables()} problems={problemsOf(node.id)}
                    readOnly={readOnly()} onChange={(patch) => changeData(node.id, patch)} onDelete={() => deleteNode(node.id)} />
                  <Show when={node.type === 'message' || node.type === 'question'}>
                    <div class="builder-section-title">Preview</div>
                    <NodePreview type={node.type} data={node.data} />
                  </Show>
                  <Show when={stats()?.find((s) => s.nodeId === node.id)}>
                    {(s) => <p class="muted small-text" data-testid="node-funnel">{s().entered} runs entered, {s().completed} went on, {s().dropped} stopped here.</p>}
                  </Show>
                </>
              )}
            </Show>
          </Show>
        </aside>
      </div>
    </BuilderContext.Provider>
  );
}

/** Hands the canvas's API to the builder: it only exists inside SolidFlow. */
function CanvasApi(props: { ready: (api: ReturnType<typeof useSolidFlow>, update: ReturnType<typeof useUpdateNodeInternals>) => void }) {
  props.ready(useSolidFlow(), useUpdateNodeInternals());
  return null;
}

/** Every problem of the draft; clicking one selects its node and brings it into view. */
function ProblemsPanel(props: { problems: FlowProblem[]; onSelect: (p: FlowProblem) => void }) {
  const [open, setOpen] = createSignal(true);
  return (
    <div classList={{ 'problems-panel': true, ok: props.problems.length === 0 }} data-testid="problems-panel" data-count={props.problems.length}>
      <button type="button" class="problems-toggle" data-testid="problems-toggle" onClick={() => setOpen(!open())}>
        {props.problems.length === 0 ? '✓ Ready to publish' : `⚠ ${props.problems.length} problem${props.problems.length === 1 ? '' : 's'}`}
        <span class="muted">{open() ? '▾' : '▸'}</span>
      </button>
      <Show when={open() && props.problems.length > 0}>
        <ul>
          <For each={props.problems}>
            {(p) => (
              <li>
                <button type="button" class="problem" data-testid="problem" data-node-id={p.nodeId ?? ''} onClick={() => props.onSelect(p)}>
                  <Show when={p.nodeId}><code>{p.nodeId}</code></Show> {p.message}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
