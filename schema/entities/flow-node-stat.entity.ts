import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Flow } from './flow.entity';

/**
 * A flow's funnel, per node and across its versions (a node keeps its id from one version to the
 * next): how many runs entered it, left it on their way on, and stopped there (cancelled, failed or
 * timed out). Counted by the flow runs with upserts on (flow_id, node_id).
 */
export const FlowNodeStat = defineEntity({
  name: 'FlowNodeStat',
  tableName: 'flow_node_stats',
  properties: {
    flowId: p.manyToOne(Flow).mapToPk().fieldName('flow_id').primary().deleteRule('cascade'),
    nodeId: p.text().primary(),
    workspaceId: workspaceKey(),
    entered: p.integer().default(0),
    completed: p.integer().default(0),
    dropped: p.integer().default(0),
  },
});
export type FlowNodeStat = InferEntity<typeof FlowNodeStat>;
