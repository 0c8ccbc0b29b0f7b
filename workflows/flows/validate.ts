/**
 * Whether a flow definition can be published: every problem, each with the node it belongs to.
 * Pure; publishFlow refuses a definition with any.
 */
import type { FlowDefinition, FlowProblem } from './definition';

export function validateFlow(def: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const ids = new Set(def.nodes.map((node) => node.id));
  const triggers = def.nodes.filter((node) => node.type === 'trigger');
  if (triggers.length !== 1) problems.push({ nodeId: triggers[1]?.id ?? null, message: `a flow needs exactly one trigger, this one has ${triggers.length}` });
  for (const edge of def.edges) {
    if (!ids.has(edge.source)) problems.push({ nodeId: edge.id, message: `edge ${edge.id} leaves from a node that does not exist (${edge.source})` });
    if (!ids.has(edge.target)) problems.push({ nodeId: edge.source, message: `an edge leads to a node that does not exist (${edge.target})` });
  }
  return problems;
}
