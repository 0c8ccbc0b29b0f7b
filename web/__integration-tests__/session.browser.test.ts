import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { gql } from '../../test/support/platform';
import { signJwt } from '../../test/support/jwt';

const TIMEOUT = 60_000;
jest.setTimeout(240_000);

const suite = browserSuite();
let page: Page;

test('the dashboard runs under its CSP and keeps the session in an HttpOnly cookie, not in localStorage', async () => {
  await suite.run('session', cookieSession);
});

async function cookieSession(): Promise<void> {
  const email = `session-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const signUp = await gql<{ signUp: { workspace: { id: string }; user: { id: string } } }>(suite.platform.url,
    `mutation($input: SignUpInput!) { signUp(input: $input) { workspace { id } user { id } } }`,
    { input: { email, password, name: 'Sam Session', workspaceName: 'Cookie Shop' } });
  expect(signUp.errors).toBeUndefined();

  page = await suite.newPage(TIMEOUT);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });

  const index = await page.goto(suite.platform.url);
  expect(index!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await signIn(page, email, password);
  await page.getByTestId('sign-out').waitFor();

  // Scripts see no refresh token: not in storage, not in document.cookie.
  const stored = await page.evaluate(() => ({ keys: Object.keys(localStorage), cookie: document.cookie }));
  expect(stored.keys).not.toContain('parley.refreshToken');
  expect(stored.cookie).not.toContain('parley_refresh');
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'parley_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/graphql' });

  // An expired access token after a reload: the dashboard refreshes through the cookie and stays signed in.
  const now = Math.floor(Date.now() / 1000);
  const expired = signJwt({ sub: signUp.data!.signUp.user.id, wid: signUp.data!.signUp.workspace.id, role: 'OWNER', iss: 'parley', iat: now - 3600, exp: now - 60 });
  await page.evaluate((token) => localStorage.setItem('parley.accessToken', token), expired);
  await page.reload();
  await page.getByTestId('sign-out').waitFor();
  await page.waitForFunction((old) => localStorage.getItem('parley.accessToken') !== old, expired);
  expect(page.url()).not.toContain('/signin');

  expect(violations).toEqual([]);
}

