/**
 * `NODE_ENV=production npm start` on the embedded defaults (no secrets given): it starts,
 * generates its secrets as in development, and its GraphQL answers no introspection, serves no
 * GraphiQL and suggests no field names; behind https it sends HSTS and a Secure refresh cookie.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CSRF_HEADERS, gql, startPlatform, type PlatformProcess } from '../../test/support/platform';
import { postgresDataDir } from '../../scripts/services';
import { TEST_DATA, TEST_PG_PORT, TEST_TEMPORAL_PORT } from '../../test/support/services-env';

const dataDir = path.join(TEST_DATA, 'production-embedded');
let platform: PlatformProcess;

beforeAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(postgresDataDir(path.join(dataDir, 'postgres')), { recursive: true, force: true });
  platform = await startPlatform({
    embedded: { dataDir, postgresPort: TEST_PG_PORT + 60, temporalPort: TEST_TEMPORAL_PORT + 60 },
    env: { NODE_ENV: 'production', JWT_SECRET: '', ENCRYPTION_KEY: '', PUBLIC_URL: 'https://parley.example' },
  });
}, 180_000);

afterAll(() => platform?.stop());

it('runs on generated secrets, readable only by their owner', () => {
  const stat = fs.statSync(path.join(dataDir, 'secrets.json'));
  expect(stat.mode & 0o777).toBe(0o600);
});

it('refuses introspection and serves no GraphiQL', async () => {
  const result = await gql(platform.url, '{ __schema { types { name } } }');
  expect(result.data).toBeUndefined();
  expect(result.errors![0].message).toMatch(/introspection/i);
  const page = await fetch(`${platform.url}/graphql`, { headers: { accept: 'text/html', ...CSRF_HEADERS } });
  expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
});

it('suggests no field names', async () => {
  const result = await gql(platform.url, '{ viewr { role } }');
  expect(result.errors![0].message).not.toMatch(/did you mean/i);
  expect(result.errors![0].message).not.toContain('viewer');
});

it('sends HSTS and marks the refresh cookie Secure behind https', async () => {
  const res = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({ query: `mutation { signIn(input: { email: "demo@parley.local", password: "parley-demo" }) { accessToken } }` }),
  });
  expect((await res.json()).data.signIn.accessToken).toEqual(expect.any(String));
  expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+; includeSubDomains$/);
  expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
});
