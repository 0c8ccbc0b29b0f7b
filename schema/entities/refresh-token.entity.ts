import { defineEntity, p } from '@mikro-orm/core';

/** A rotating refresh token; only its hash is stored. A family is one sign-in's chain of rotations. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    workspaceId: p.uuid(),
    familyId: p.uuid(),
    tokenHash: p.text(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    replacedById: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
