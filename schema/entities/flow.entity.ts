import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import type { FlowDefinition } from '../../workflows/flows/definition';

export const FLOW_STATUSES = ['DRAFT', 'PUBLISHED'] as const;
/** DRAFT: never published; PUBLISHED: a version is live (the draft may have moved on since). */
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/**
 * A visual flow (issue 11): the draft being edited, and which published version is live. Deleting
 * sets `deletedAt` (runs and funnels keep their flow); every read leaves deleted flows out.
 */
export const Flow = defineEntity({
  name: 'Flow',
  tableName: 'flows',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    name: p.text(),
    status: p.enum(FLOW_STATUSES).default('DRAFT'),
    draft: p.json<FlowDefinition>(),
    /** The live version (flow_versions.version); null: never published. */
    publishedVersion: p.integer().nullable(),
    /** Between flows whose triggers match the same message, the higher priority starts. */
    priority: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()').onUpdate(() => new Date()),
    deletedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'flows_workspace', properties: ['workspaceId', 'createdAt'] }],
});
export type Flow = InferEntity<typeof Flow>;
