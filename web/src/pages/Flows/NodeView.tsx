import { Handle, type NodeProps } from '@dschz/solid-flow';
import { createContext, For, Show, useContext } from 'solid-js';
import type { FlowProblem } from '../../../../workflows/flows/definition';
import type { FlowNodeStat } from '../../graphql/flows';
import { nodeBranches, nodeKind, nodeSummary } from './node-catalog';

/** What every node on the canvas reads besides its own data: its problems and its funnel. */
export interface BuilderView {
  problems: (nodeId: string) => FlowProblem[];
  stat: (nodeId: string) => FlowNodeStat | undefined;
  /** The node the problems panel points at (pulsing outline). */
  focused: () => string | null;
}

export const BuilderContext = createContext<BuilderView>();

/**
 * A flow node on the canvas: its type and gist, a target handle on top (not for the trigger) and one
 * source handle per branch along the bottom, labelled (button titles, rules, invalid / timeout,
 * success / error), so an edge is drawn from the branch it means.
 */
export function NodeView(props: NodeProps<Record<string, unknown>, string>) {
  const view = useContext(BuilderContext)!;
  const kind = () => nodeKind(props.type ?? 'end');
  const branches = () => nodeBranches(props.type ?? 'end', props.data);
  const problems = () => view.problems(props.id);
  const stat = () => view.stat(props.id);
  return (
    <div classList={{ 'flow-node': true, selected: !!props.selected, 'has-problem': problems().length > 0, focused: view.focused() === props.id }}
      style={{ '--node-color': kind().color }} data-testid="flow-node" data-node-id={props.id} data-node-type={props.type}>
      <Show when={props.type !== 'trigger'}>
        <Handle type="target" position="top" class="flow-handle-in" />
      </Show>
      <div class="flow-node-head">
        <span class="flow-node-glyph" aria-hidden="true">{kind().glyph}</span>
        <span class="flow-node-type">{kind().label}</span>
        <span class="flow-node-id">{props.id}</span>
        <Show when={problems().length > 0}>
          <span class="flow-node-problem" data-testid="flow-node-problem" title={problems().map((p) => p.message).join('\n')}>⚠ {problems().length}</span>
        </Show>
      </div>
      <div class="flow-node-body">{nodeSummary(props.type ?? 'end', props.data)}</div>
      <Show when={stat()}>
        {(s) => (
          <div class="flow-node-funnel" data-testid="flow-node-funnel" title="Runs that entered this node, went on from it, and stopped at it">
            <span>▶ {s().entered}</span><span>✓ {s().completed}</span><span>✕ {s().dropped}</span>
          </div>
        )}
      </Show>
      <Show when={branches().length > 0}>
        <div class="flow-node-branches">
          <For each={branches()}>
            {(branch) => (
              <div classList={{ 'flow-branch': true, failure: !!branch.failure }} data-testid="flow-branch" data-branch={branch.id ?? ''}>
                <span class="flow-branch-label">{branch.label}</span>
                <Handle type="source" position="bottom" id={branch.id ?? undefined} class="flow-handle-out" data-testid="flow-handle-out" />
              </div>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
