import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import type { ContactFilter } from '../contacts/contact-filter';

/** A saved contact filter (schema/contacts/contact-filter.ts): its contacts are whoever matches it now. */
export const Segment = defineEntity({
  name: 'Segment',
  tableName: 'segments',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    name: p.text(),
    filter: p.json<ContactFilter>(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()').onUpdate(() => new Date()),
  },
  uniques: [{ name: 'segments_workspace_name', expression: 'create unique index segments_workspace_name on segments (workspace_id, lower(name))' }],
});
export type Segment = InferEntity<typeof Segment>;
