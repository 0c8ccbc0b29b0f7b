import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { User } from './user.entity';

export const ROLES = ['OWNER', 'ADMIN', 'AGENT', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** A user's role in one workspace. */
export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade').index('memberships_user'),
    role: p.enum(ROLES),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ properties: ['workspaceId', 'userId'] }],
});
export type Membership = InferEntity<typeof Membership>;
