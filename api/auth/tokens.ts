/**
 * Access tokens are short-lived JWTs (HS256, `jose`) that must carry `exp` and `iat`; refresh
 * tokens are in refresh-tokens.ts. The role claim is checked against the known roles where the
 * token is used (api/app.ts), which keeps this file free of the ORM for its unit tests.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES, type Role } from '../../schema/entities/membership.entity';
import { systemClock, type Clock } from './clock';

/** Who a verified access token speaks for (the role as claimed: callers check it is a known one). */
export interface AccessClaims {
  userId: string;
  workspaceId: string;
  role: Role;
}

/** Claims of a verified token, with when it stops being valid. */
export type VerifiedClaims = AccessClaims & { expiresAtMs: number };

/** An access or refresh token that is not (or no longer) valid; its message is safe to show. */
export class TokenError extends Error {}

/** What signing and verifying tokens needs from the config. */
export interface TokenSettings {
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
}

const ISSUER = 'parley';
/** Clocks of the api replicas may disagree this much about "now" (an `iat` this far ahead still passes). */
export const CLOCK_SKEW_SECONDS = 30;

/** Signs an access token valid for the configured TTL from `clock.now()`. */
export async function issueAccessToken(settings: TokenSettings, claims: AccessClaims, clock: Clock = systemClock): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ wid: claims.workspaceId, role: claims.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + settings.accessTokenTtlSeconds)
    .sign(secretKey(settings));
}

/** Checks signature, issuer, `exp` and `iat` (both required) and the claims' shape. */
export async function verifyAccessToken(settings: TokenSettings, token: string, clock: Clock = systemClock): Promise<VerifiedClaims> {
  const now = Math.floor(clock.now() / 1000);
  try {
    const { payload } = await jwtVerify(token, secretKey(settings), {
      issuer: ISSUER,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: new Date(now * 1000),
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    if (payload.iat! > now + CLOCK_SKEW_SECONDS) throw new TokenError('access token issued in the future');
    // jose allows the skew on exp too; an expired token is refused to the second.
    if (payload.exp! <= now) throw new TokenError('access token expired');
    if (typeof payload.wid !== 'string' || typeof payload.role !== 'string') throw new TokenError('malformed access token');
    // Signed with our secret but naming a role we do not have (an old or tampered build): it signs no one in.
    if (!(ROLES as readonly string[]).includes(payload.role)) throw new TokenError('access token has an unknown role');
    return { userId: payload.sub!, workspaceId: payload.wid, role: payload.role as Role, expiresAtMs: payload.exp! * 1000 };
  } catch (err) {
    if (err instanceof TokenError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw new TokenError('access token expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.reason === 'missing') throw new TokenError(`access token has no ${err.claim} claim`);
    throw new TokenError('invalid access token');
  }
}

const VERIFIED_CACHE_SIZE = 10_000;

/**
 * verifyAccessToken with a memory of tokens already verified, until they expire: a client sends
 * the same token with every request, and checking its signature each time is wasted work.
 */
export function cachedAccessTokenVerifier(settings: TokenSettings, clock: Clock = systemClock): (token: string) => Promise<VerifiedClaims> {
  const verified = new Map<string, VerifiedClaims>();
  return async (token) => {
    const hit = verified.get(token);
    if (hit && clock.now() < hit.expiresAtMs) return hit;
    verified.delete(token);
    const claims = await verifyAccessToken(settings, token, clock);
    // Oldest first: a Map iterates in insertion order.
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  };
}

function secretKey(settings: TokenSettings): Uint8Array {
  return new TextEncoder().encode(settings.jwtSecret);
}

/** The token of an `Authorization: Bearer <token>` header, or null for any other header. */
export function bearerToken(header: string | null | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? null;
}
