import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Flow } from './flow.entity';
import { TRIGGER_EVENTS, type FlowDefinition } from '../../workflows/flows/definition';

/**
 * One published version of a flow: the draft as it was when published, never changed after. A run
 * starts from the version that is live then and keeps it; `triggerOn` is the trigger node's `on`,
 * copied out so a conversation finds the flows a message may start without reading definitions.
 */
export const FlowVersion = defineEntity({
  name: 'FlowVersion',
  tableName: 'flow_versions',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    flowId: p.manyToOne(Flow).mapToPk().fieldName('flow_id').deleteRule('cascade'),
    /** 1, 2, … per flow. */
    version: p.integer(),
    definition: p.json<FlowDefinition>(),
    triggerOn: p.enum(TRIGGER_EVENTS),
    publishedAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'flow_versions_flow_version', properties: ['flowId', 'version'] }],
  indexes: [{ name: 'flow_versions_workspace_trigger', properties: ['workspaceId', 'triggerOn'] }],
});
export type FlowVersion = InferEntity<typeof FlowVersion>;
