/**
 * Access tokens are short-lived JWTs (HS256, `jose`); refresh tokens are random, stored only as
 * a SHA-256 hash, and rotate on every use. Presenting a refresh token that was already rotated
 * means it leaked: the whole family (that sign-in's chain) is revoked.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../schema/entities/membership.entity';

export interface AccessClaims {
  userId: string;
  workspaceId: string;
  role: Role;
}

export class TokenError extends Error {}

export interface TokenSettings {
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

const ISSUER = 'parley';

export async function issueAccessToken(settings: TokenSettings, claims: AccessClaims): Promise<string> {
  return new SignJWT({ wid: claims.workspaceId, role: claims.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + settings.accessTokenTtlSeconds)
    .sign(secretKey(settings));
}

export async function verifyAccessToken(settings: TokenSettings, token: string): Promise<AccessClaims & { expiresAtMs: number }> {
  try {
    const { payload } = await jwtVerify(token, secretKey(settings), { issuer: ISSUER, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.wid !== 'string' || typeof payload.role !== 'string') {
      throw new TokenError('malformed access token');
    }
    return { userId: payload.sub, workspaceId: payload.wid, role: payload.role as Role, expiresAtMs: (payload.exp ?? 0) * 1000 };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new TokenError('access token expired');
    if (err instanceof TokenError) throw err;
    throw new TokenError('invalid access token');
  }
}

const VERIFIED_CACHE_SIZE = 10_000;

/**
 * verifyAccessToken with a memory of tokens already verified, until they expire: a client sends
 * the same token with every request, and checking its signature each time is wasted work.
 */
export function cachedAccessTokenVerifier(settings: TokenSettings): (token: string) => Promise<AccessClaims> {
  const verified = new Map<string, AccessClaims & { expiresAtMs: number }>();
  return async (token) => {
    const hit = verified.get(token);
    if (hit && Date.now() < hit.expiresAtMs) return hit;
    verified.delete(token);
    const claims = await verifyAccessToken(settings, token);
    // Oldest first: a Map iterates in insertion order.
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  };
}

/** A new refresh token in a new family (a sign-in) or in the given family (a rotation). */
export async function issueRefreshToken(
  em: EntityManager,
  settings: TokenSettings,
  owner: { userId: string; workspaceId: string },
  familyId: string = randomUUID(),
): Promise<{ token: string; id: string }> {
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await em.execute(
    `insert into refresh_tokens (id, user_id, workspace_id, family_id, token_hash, expires_at)
     values (?, ?, ?, ?, ?, now() + make_interval(days => ?))`,
    [id, owner.userId, owner.workspaceId, familyId, hashToken(token), settings.refreshTokenTtlDays],
  );
  return { token, id };
}

/** Trades a refresh token for a new one; run inside a transaction. */
export async function rotateRefreshToken(
  em: EntityManager,
  settings: TokenSettings,
  token: string,
): Promise<{ token: string; userId: string; workspaceId: string }> {
  const [row] = await em.execute<{ id: string; user_id: string; workspace_id: string; family_id: string; expired: boolean; revoked_at: Date | null }[]>(
    `select id, user_id, workspace_id, family_id, expires_at < now() as expired, revoked_at
     from refresh_tokens where token_hash = ? for update`,
    [hashToken(token)],
  );
  if (!row) throw new TokenError('unknown refresh token');
  if (row.revoked_at) {
    await em.execute('update refresh_tokens set revoked_at = coalesce(revoked_at, now()) where family_id = ?', [row.family_id]);
    throw new TokenError('refresh token was already used; every session from that sign-in is signed out');
  }
  if (row.expired) throw new TokenError('refresh token expired');
  const next = await issueRefreshToken(em, settings, { userId: row.user_id, workspaceId: row.workspace_id }, row.family_id);
  await em.execute('update refresh_tokens set revoked_at = now(), replaced_by_id = ? where id = ?', [next.id, row.id]);
  return { token: next.token, userId: row.user_id, workspaceId: row.workspace_id };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function secretKey(settings: TokenSettings): Uint8Array {
  return new TextEncoder().encode(settings.jwtSecret);
}
