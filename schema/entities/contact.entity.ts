import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { APPROVAL_MODES } from './ai-settings.entity';

/** A customer of a workspace, keyed by canonical phone digits (contactKey). */
export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'contacts',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    contactKey: p.text(),
    phone: p.text(),
    name: p.text().nullable(),
    blocked: p.boolean().default(false),
    /** Overrides the workspace's AI approval mode for this contact; null: the workspace's. */
    aiApprovalMode: p.enum(APPROVAL_MODES).nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ properties: ['workspaceId', 'contactKey'] }],
});
export type Contact = InferEntity<typeof Contact>;
