import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { User } from './user.entity';

/** A rotating refresh token; only its hash is stored. A family is one sign-in's chain of rotations. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').deleteRule('cascade'),
    workspaceId: workspaceKey(),
    familyId: p.uuid().index('refresh_tokens_family'),
    tokenHash: p.text().unique(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    replacedById: p.uuid().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type RefreshToken = InferEntity<typeof RefreshToken>;
