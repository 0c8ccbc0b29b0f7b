/**
 * Brute-force limits on signIn, signUp and refreshToken (rate-limiter-flexible on Postgres, so
 * every api replica counts together): per client IP on every auth call and on sign-ups, per
 * account on failed sign-ins (keyed by the email, known or not, so a lock says nothing about
 * whether the account exists; each further lock within a day lasts twice as long) and on
 * refreshes. Loopback is not exempt.
 */
import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Orm } from '../../schema/orm';
import type { AuthLimits } from '../../activities/config';
import { RATE_LIMIT_TABLE, rateLimitStore } from '../../schema/rate-limit-store';

/** Refused by a limit; `retryAfterSeconds` says when the caller may try again. */
export class RateLimitedError extends Error {
  constructor(
    readonly limit: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many ${limit}; try again in ${retryAfterSeconds} s`);
  }
}

/** The auth limits of one api process. */
export interface AuthRateLimits {
  /** Every auth call, per IP. */
  authCall(ip: string): Promise<void>;
  signUp(ip: string): Promise<void>;
  /** Refuses while the account is locked by failed sign-ins. */
  assertSignInAllowed(email: string): Promise<void>;
  signInFailed(email: string): Promise<void>;
  signInSucceeded(email: string): Promise<void>;
  refresh(userId: string): Promise<void>;
}

/** Backoff: the n-th lock of an account within this long lasts 2^(n-1) failure windows … */
const LOCK_MEMORY_SECONDS = 24 * 3600;
/** … but never longer than this. */
const MAX_LOCK_SECONDS = 24 * 3600;

/** The auth limits over the platform's own connection pool and the committed `rate_limits` table. */
export function createAuthRateLimits(orm: Orm, limits: AuthLimits): AuthRateLimits {
  const storeClient = rateLimitStore(orm);
  // One of them sweeps expired rows (of every limit: they share the table) every five minutes.
  const limiter = (keyPrefix: string, points: number, duration: number, clearExpiredByTimeout = false) =>
    new RateLimiterPostgres({ storeClient, storeType: 'pool', tableName: RATE_LIMIT_TABLE, tableCreated: true, clearExpiredByTimeout, keyPrefix, points, duration });
  const ipCalls = limiter('auth-ip', limits.authCallsPerIpPerMinute, 60, true);
  const ipSignUps = limiter('signup-ip', limits.signUpsPerIpPerHour, 3600);
  const signInFailures = limiter('signin-fail', limits.signInFailuresPerAccount, limits.signInFailureWindowSeconds);
  const refreshes = limiter('refresh', limits.refreshesPerAccountPerHour, 3600);
  // How often an account was locked in the last day: each lock lasts twice the one before.
  const signInLocks = limiter('signin-locks', Number.MAX_SAFE_INTEGER, LOCK_MEMORY_SECONDS);

  return {
    authCall: (ip) => consume(ipCalls, ip, 'auth requests from this address'),
    signUp: (ip) => consume(ipSignUps, ip, 'sign-ups from this address'),
    async assertSignInAllowed(email) {
      const res = await signInFailures.get(accountKey(email));
      if (res && res.consumedPoints >= limits.signInFailuresPerAccount) throw new RateLimitedError('failed sign-ins for this account', seconds(res));
    },
    async signInFailed(email) {
      const key = accountKey(email);
      const failures = await signInFailures.penalty(key, 1);
      if (failures.consumedPoints < limits.signInFailuresPerAccount) return;
      const locks = await signInLocks.penalty(key, 1);
      const lockSeconds = Math.min(limits.signInFailureWindowSeconds * 2 ** (locks.consumedPoints - 1), MAX_LOCK_SECONDS);
      await signInFailures.block(key, lockSeconds);
    },
    async signInSucceeded(email) {
      const key = accountKey(email);
      await Promise.all([signInFailures.delete(key), signInLocks.delete(key)]);
    },
    refresh: (userId) => consume(refreshes, userId, 'token refreshes for this account'),
  };
}

async function consume(limiter: RateLimiterPostgres, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new RateLimitedError(what, seconds(err));
    throw err;
  }
}

/** An email as a key that fits the table's varchar(255) whatever the email's length. */
function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}

function seconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
