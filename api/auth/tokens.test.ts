import { cachedAccessTokenVerifier, issueAccessToken, TokenError } from './tokens';

const settings = { jwtSecret: 'a-test-secret-that-is-long-enough-for-hs256', accessTokenTtlSeconds: 2, refreshTokenTtlDays: 30 };
const claims = { userId: 'u1', workspaceId: 'w1', role: 'AGENT' as const };

describe('cachedAccessTokenVerifier', () => {
  it('accepts a token it verified before and refuses it once it has expired', async () => {
    const verify = cachedAccessTokenVerifier(settings);
    const token = await issueAccessToken(settings, claims);
    expect(await verify(token)).toMatchObject(claims);
    expect(await verify(token)).toMatchObject(claims);
    // exp has whole seconds: the token is valid for 1–2 s from now.
    await new Promise((r) => setTimeout(r, 2100));
    await expect(verify(token)).rejects.toThrow(new TokenError('access token expired'));
  });

  it('refuses a token signed with another secret', async () => {
    const verify = cachedAccessTokenVerifier(settings);
    const forged = await issueAccessToken({ ...settings, jwtSecret: 'someone-elses-secret-of-a-decent-length' }, claims);
    await expect(verify(forged)).rejects.toThrow(new TokenError('invalid access token'));
  });
});
