/**
 * Refresh tokens are random, stored only as a SHA-256 hash, and rotate on every use.
 * Presenting a refresh token that was already rotated means it leaked: the whole family (that
 * sign-in's chain) is revoked.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshToken } from '../../schema/entities/refresh-token.entity';
import { systemClock, type Clock } from './clock';
import type { TokenSettings } from './tokens';

/** A new refresh token in a new family (a sign-in) or in the given family (a rotation); flushed by the caller's transaction. */
export function issueRefreshToken(
  em: EntityManager,
  settings: TokenSettings,
  owner: { userId: string; workspaceId: string },
  familyId: string = randomUUID(),
  clock: Clock = systemClock,
): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  const row = em.create(RefreshToken, {
    id: randomUUID(),
    userId: owner.userId,
    workspaceId: owner.workspaceId,
    familyId,
    tokenHash: hashToken(token),
    expiresAt: new Date(clock.now() + settings.refreshTokenTtlDays * 24 * 3600 * 1000),
  });
  return { token, id: row.id };
}

/** The outcome of presenting a refresh token. */
type RefreshCheck =
  | { ok: true; row: RefreshToken }
  | { ok: false; reason: string; reused: boolean; familyId?: string };

/** Looks a refresh token up (locking its row) and says whether it may be rotated; changes nothing. */
export async function checkRefreshToken(em: EntityManager, token: string, clock: Clock = systemClock): Promise<RefreshCheck> {
  const row = await em.findOne(RefreshToken, { tokenHash: hashToken(token) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!row) return { ok: false, reason: 'unknown refresh token', reused: false };
  if (row.revokedAt) {
    return { ok: false, reason: 'refresh token was already used; every session from that sign-in is signed out', reused: true, familyId: row.familyId };
  }
  if (row.expiresAt.getTime() < clock.now()) return { ok: false, reason: 'refresh token expired', reused: false };
  return { ok: true, row };
}

/** Replaces a checked refresh token with a new one of its family; run inside the caller's transaction. */
export function rotateRefreshToken(em: EntityManager, settings: TokenSettings, row: RefreshToken, clock: Clock = systemClock): string {
  const next = issueRefreshToken(em, settings, { userId: row.userId, workspaceId: row.workspaceId }, row.familyId, clock);
  row.revokedAt = new Date(clock.now());
  row.replacedById = next.id;
  return next.token;
}

/** Signs out a whole sign-in chain: every token of the family is revoked. */
export async function revokeRefreshFamily(em: EntityManager, familyId: string, clock: Clock = systemClock): Promise<void> {
  await em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date(clock.now()) });
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
