import { cachedAccessTokenVerifier, CLOCK_SKEW_SECONDS, issueAccessToken, TokenError, verifyAccessToken } from './tokens';
import type { Clock } from './clock';
import { signJwt as signJwtWith } from '../../test/support/jwt';

const settings = { jwtSecret: 'a-test-secret-that-is-long-enough-for-hs256', accessTokenTtlSeconds: 120, refreshTokenTtlDays: 30 };
const claims = { userId: 'u1', workspaceId: 'w1', role: 'AGENT' as const };
const signJwt = (payload: object) => signJwtWith(payload, settings.jwtSecret);

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 11, 1, 12)): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('cachedAccessTokenVerifier', () => {
  it('accepts a token it verified before and refuses it once it has expired', async () => {
    const clock = manualClock();
    const verify = cachedAccessTokenVerifier(settings, clock);
    const token = await issueAccessToken(settings, claims, clock);
    expect(await verify(token)).toMatchObject(claims);
    clock.advance(119_000);
    expect(await verify(token)).toMatchObject(claims);
    clock.advance(1_000);
    await expect(verify(token)).rejects.toThrow(new TokenError('access token expired'));
  });

  it('refuses a token signed with another secret', async () => {
    const verify = cachedAccessTokenVerifier(settings);
    const forged = await issueAccessToken({ ...settings, jwtSecret: 'someone-elses-secret-of-a-decent-length' }, claims);
    await expect(verify(forged)).rejects.toThrow(new TokenError('invalid access token'));
  });
});

describe('verifyAccessToken', () => {
  const clock = manualClock();
  const now = Math.floor(clock.now() / 1000);
  const base = { sub: 'u1', wid: 'w1', role: 'OWNER', iss: 'parley' };

  it('accepts a well-formed token', async () => {
    expect(await verifyAccessToken(settings, signJwt({ ...base, iat: now, exp: now + 60 }), clock)).toEqual({
      userId: 'u1',
      workspaceId: 'w1',
      role: 'OWNER',
      expiresAtMs: (now + 60) * 1000,
    });
  });

  it('refuses a validly signed token without exp or without iat', async () => {
    await expect(verifyAccessToken(settings, signJwt({ ...base, iat: now }), clock)).rejects.toThrow(new TokenError('access token has no exp claim'));
    await expect(verifyAccessToken(settings, signJwt({ ...base, exp: now + 60 }), clock)).rejects.toThrow(new TokenError('access token has no iat claim'));
  });

  it('refuses a token issued in the future beyond the allowed clock skew', async () => {
    const ahead = signJwt({ ...base, iat: now + CLOCK_SKEW_SECONDS + 5, exp: now + 600 });
    await expect(verifyAccessToken(settings, ahead, clock)).rejects.toThrow(new TokenError('access token issued in the future'));
    const slightlyAhead = signJwt({ ...base, iat: now + CLOCK_SKEW_SECONDS - 5, exp: now + 600 });
    expect((await verifyAccessToken(settings, slightlyAhead, clock)).userId).toBe('u1');
  });

  it('refuses a token whose exp has passed, to the second, despite the skew allowance', async () => {
    await expect(verifyAccessToken(settings, signJwt({ ...base, iat: now - 100, exp: now }), clock)).rejects.toThrow(new TokenError('access token expired'));
  });

  it('refuses a validly signed token naming a role that does not exist (the codec route shares this check)', async () => {
    await expect(verifyAccessToken(settings, signJwt({ ...base, role: 'SUPERUSER', iat: now, exp: now + 60 }), clock)).rejects.toThrow(
      new TokenError('access token has an unknown role'),
    );
  });
});
