import { defineEntity, p } from '@mikro-orm/core';

export const ROLES = ['OWNER', 'ADMIN', 'AGENT', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** A user's role in one workspace. */
export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid(),
    userId: p.uuid(),
    role: p.text().$type<Role>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
