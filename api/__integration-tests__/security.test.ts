/**
 * What an attacker tries against a running Parley (issue 8): one query that costs the process its
 * heap, password guessing, cross-origin and cross-site requests, headers, tokens that should not
 * pass, streams that outlive their token, and NUL characters in text.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createWorkspace, CSRF_HEADERS, gql, gqlOk, query, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { signJwt } from '../../test/support/jwt';

let platform: PlatformProcess;
let shop: TestWorkspace;

/** Our own allowed browser origin (the test platform listens on a random port, so PUBLIC_URL cannot name it). */
const DASHBOARD_ORIGIN = 'https://parley.example';

beforeAll(async () => {
  // TRUST_PROXY lets each test come from its own client address (X-Forwarded-For), so one test's
  // limit does not spend another's; the auth limits are the defaults.
  platform = await startPlatform({
    env: { TRUST_PROXY: 'true', CORS_ORIGINS: DASHBOARD_ORIGIN, AUTH_CALLS_PER_IP_PER_MINUTE: '', AUTH_SIGNUPS_PER_IP_PER_HOUR: '' },
  });
  shop = await createWorkspace(platform.url);
});

afterAll(() => platform?.stop());

let ipsHandedOut = 0;
/** The documentation ranges (TEST-NET-1..3): headers only, no traffic goes there. */
const TEST_NETS = ['192.0.2', '198.51.100', '203.0.113'];
/** A client address no other test of this suite used: a random one could meet the one the per-address test exhausted. */
const newIp = () => {
  const n = ipsHandedOut++;
  if (n >= TEST_NETS.length * 254) throw new Error('out of test addresses');
  return `${TEST_NETS[Math.floor(n / 254)]}.${1 + (n % 254)}`;
};

/** A GraphQL POST with extra headers; answers status, headers and body. */
async function post(body: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}


function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const SIGN_IN = `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`;
const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken refreshToken } }`;

describe('query cost', () => {
  const heavy = (aliases: number) =>
    `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: conversations(first: 100) { edges { node { id messages(last: 1000) { id text createdAt } } } }`).join(' ')} }`;

  it('refuses the 400-alias query that ran the process out of heap, and the process stays within its memory budget', async () => {
    const before = rssMb(platform.process.pid!);
    const attacks = await Promise.all(Array.from({ length: 10 }, () => gql(platform.url, heavy(400), {}, shop.token)));
    for (const result of attacks) {
      expect(result.data).toBeUndefined();
      expect(result.errors![0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(result.errors![0].message).toMatch(/^query too complex: Token limit of 2000 exceeded/);
    }
    // The 100-alias version (205 MB answered, 1.15 GB resident before) fits the token limit and meets the alias limit.
    const hundred = await gql(platform.url, heavy(100).replace(/ text createdAt/g, ''), {}, shop.token);
    expect(hundred.errors![0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: expect.any(String) } });
    expect(rssMb(platform.process.pid!)).toBeLessThan(Math.max(before + 100, 600));
    expect((await fetch(`${platform.url}/health`)).status).toBe(200);
  });

  it('says which limit an operation broke: aliases, and the list rows of the whole operation', async () => {
    const aliases = await gql(platform.url, `{ ${Array.from({ length: 16 }, (_, i) => `v${i}: viewer { role }`).join(' ')} }`, {}, shop.token);
    expect(aliases.errors![0]).toMatchObject({
      message: 'query too complex: Aliases limit of 15 exceeded, found 16.',
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases' },
    });
    // One page of 100 conversations with 1,000 messages each: 100,100 rows, whatever the aliases.
    const nested = await gql(
      platform.url,
      `query($n: Int) { conversations(first: 100) { edges { node { messages(last: $n) { id } } } } }`,
      { n: 1000 },
      shop.token,
    );
    expect(nested.errors![0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'listRows' } });
    expect(nested.errors![0].message).toMatch(/more than the 5000 one operation may/);
    // Without the variable the field's default page (200) counts: 100 × 200 is over the budget too.
    const byDefault = await gql(platform.url, `{ conversations(first: 100) { edges { node { messages { id } } } } }`, {}, shop.token);
    expect(byDefault.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'listRows' });
  });

  it("passes the dashboard's own documents", async () => {
    // The largest documents web/src/graphql/operations.ts sends: the inbox list and one thread.
    const CONVERSATION = `id mode lastMessageAt lastMessageText unreadCount slaBreachedAt contact { id phone name blocked } channel { id name kind }`;
    const MESSAGE = `id conversationId direction senderType text status failureReason createdAt`;
    const { simulateInbound } = await gqlOk(
      platform.url,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { conversationId } }`,
      { i: { channelId: shop.channelId, from: '+4915100000070', text: 'hello' } },
      shop.token,
    );
    const list = await gqlOk(
      platform.url,
      `query Conversations($first: Int, $filter: ConversationFilter) { conversations(first: $first, filter: $filter) { edges { cursor node { ${CONVERSATION} } } pageInfo { hasNextPage endCursor } } }`,
      { first: 50, filter: {} },
      shop.token,
    );
    expect(list.conversations.edges.map((e: any) => e.node.id)).toContain(simulateInbound.conversationId);
    const thread = await gqlOk(
      platform.url,
      `query Conversation($id: ID!) { conversation(id: $id) { ${CONVERSATION} workflowId temporalUrl messages(last: 200) { ${MESSAGE} } } }`,
      { id: simulateInbound.conversationId },
      shop.token,
    );
    expect(thread.conversation.messages[0].text).toBe('hello');
  });
});

describe('auth rate limits', () => {
  it('locks an account after 10 wrong passwords: the 11th is refused with retry-after, and so is the right password', async () => {
    const account = await createWorkspace(platform.url);
    const ip = newIp();
    for (let i = 0; i < 10; i++) {
      const wrong = await post({ query: SIGN_IN, variables: { i: { email: account.email, password: `wrong guess ${i}` } } }, { 'x-forwarded-for': ip });
      expect(wrong.body.errors[0].message).toBe('wrong email or password');
    }
    const eleventh = await post({ query: SIGN_IN, variables: { i: { email: account.email, password: 'wrong guess 11' } } }, { 'x-forwarded-for': ip });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    const retryAfter = eleventh.body.errors[0].extensions.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(Number(eleventh.headers.get('retry-after'))).toBe(retryAfter);

    // From another address, with the right password: still locked.
    const right = await post({ query: SIGN_IN, variables: { i: { email: account.email, password: 'correct horse battery' } } }, { 'x-forwarded-for': newIp() });
    expect(right.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(right.body.data).toBeNull();
  });

  it('backs off: the next lock of the same account lasts twice as long', async () => {
    // A platform of its own with a 2 s window and 3 failures, so the first lock can pass within the test.
    const quick = await startPlatform({ env: { AUTH_SIGNIN_FAILURE_WINDOW_SECONDS: '2', AUTH_SIGNIN_FAILURES_PER_ACCOUNT: '3' } });
    try {
      const account = await createWorkspace(quick.url);
      const attempt = () => gql(quick.url, SIGN_IN, { i: { email: account.email, password: 'a wrong guess' } });
      for (let i = 0; i < 3; i++) expect((await attempt()).errors![0].message).toBe('wrong email or password');
      const first = (await attempt()).errors![0];
      expect(first.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect((first.extensions as any).retryAfterSeconds).toBeLessThanOrEqual(2);
      // The first attempt answered as a plain failure again is the barrier: the lock is over (and it counts as failure 1).
      await waitFor('the first lock to pass', async () => (await attempt()).errors![0].message === 'wrong email or password', 10_000);
      for (let i = 0; i < 2; i++) expect((await attempt()).errors![0].message).toBe('wrong email or password');
      const second = (await attempt()).errors![0];
      expect(second.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect((second.extensions as any).retryAfterSeconds).toBeGreaterThan(2);
      expect((second.extensions as any).retryAfterSeconds).toBeLessThanOrEqual(4);
    } finally {
      await quick.stop();
    }
  });

  it('locks an unknown email the same way, so a lock does not reveal whether an account exists', async () => {
    const email = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    for (let i = 0; i < 10; i++) await post({ query: SIGN_IN, variables: { i: { email, password: `guess ${i}` } } }, { 'x-forwarded-for': newIp() });
    const locked = await post({ query: SIGN_IN, variables: { i: { email, password: 'guess 11' } } }, { 'x-forwarded-for': newIp() });
    expect(locked.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('limits auth calls per address to 100 a minute, loopback included', async () => {
    const ip = newIp();
    const refresh = { query: `mutation { refreshToken(refreshToken: "made-up") { accessToken } }` };
    for (let i = 0; i < 100; i++) expect((await post(refresh, { 'x-forwarded-for': ip })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const refused = await post(refresh, { 'x-forwarded-for': ip });
    expect(refused.body.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(refused.body.errors[0].message).toMatch(/^too many auth requests from this address; try again in \d+ s$/);
  });

  it('limits sign-ups per address to 30 an hour', async () => {
    const ip = newIp();
    const signUp = (n: number) =>
      post({ query: SIGN_UP, variables: { i: { email: `burst-${n}-${randomBytes(3).toString('hex')}@example.com`, password: 'correct horse battery', name: 'B', workspaceName: 'B' } } }, { 'x-forwarded-for': ip });
    for (let n = 0; n < 30; n++) expect((await signUp(n)).body.data.signUp.accessToken).toEqual(expect.any(String));
    const refused = await signUp(30);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.body.errors[0].message).toMatch(/^too many sign-ups from this address/);
  });

  it('refuses common and guessable passwords with a field error that says why', async () => {
    const weak = await post({ query: SIGN_UP, variables: { i: { email: `weak-${Date.now()}@example.com`, password: 'password123', name: 'W', workspaceName: 'W' } } }, { 'x-forwarded-for': newIp() });
    expect(weak.body.errors[0]).toMatchObject({
      message: 'password: is too easy to guess (it is a commonly used password); use a few uncommon words, like a short phrase',
      extensions: { code: 'BAD_USER_INPUT', field: 'password' },
    });
    const member = await gql(
      platform.url,
      `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`,
      { i: { email: `m-${Date.now()}@example.com`, name: 'M', password: 'qwertyuiop', role: 'AGENT' } },
      shop.token,
    );
    expect(member.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });
});

describe('CORS, CSRF and the Host header', () => {
  it('grants no CORS to a foreign origin, and grants the configured one', async () => {
    const preflight = (origin: string) =>
      fetch(`${platform.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    const signIn = await post({ query: SIGN_IN, variables: { i: { email: shop.email, password: 'correct horse battery' } } }, { origin: 'https://evil.example', 'x-forwarded-for': newIp() });
    expect(signIn.headers.get('access-control-allow-origin')).toBeNull();

    const ours = await preflight(DASHBOARD_ORIGIN);
    expect(ours.headers.get('access-control-allow-origin')).toBe(DASHBOARD_ORIGIN);
    expect(ours.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('refuses a request a page elsewhere could send without a preflight unless it carries the CSRF header', async () => {
    const url = `${platform.url}/graphql?query=${encodeURIComponent('{ viewer { role } }')}`;
    const bare = await fetch(url, { headers: { authorization: `Bearer ${shop.token}` } });
    expect(bare.status).toBe(403);
    expect((await bare.json()).errors[0].message).toBe('Required CSRF header not present: x-graphql-yoga-csrf');
    const form = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
    expect(form.status).toBe(403);
    const withHeader = await fetch(url, { headers: { authorization: `Bearer ${shop.token}`, ...CSRF_HEADERS } });
    expect((await withHeader.json()).data).toEqual({ viewer: { role: 'OWNER' } });
    // A JSON POST is preflighted by every browser, so API clients that send JSON need no extra header.
    const json = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${shop.token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect((await json.json()).data).toEqual({ viewer: { role: 'OWNER' } });
  });

  it('answers only for its own host names, except /health', async () => {
    const { port } = new URL(platform.url);
    const rebound = await fetchWithHost(`http://127.0.0.1:${port}/graphql`, 'attacker.example');
    expect(rebound.status).toBe(421);
    expect((await fetchWithHost(`http://127.0.0.1:${port}/graphql`, `localhost:${port}`)).status).toBe(200);
    expect((await fetchWithHost(`http://127.0.0.1:${port}/health`, 'attacker.example', 'GET')).status).toBe(200);
  });
});

/** A request with a Host header fetch would not let us set. */
async function fetchWithHost(url: string, host: string, method = 'POST'): Promise<{ status: number }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode! });
    });
    req.on('error', reject);
    req.end(method === 'POST' ? JSON.stringify({ query: '{ __typename }' }) : undefined);
  });
}

describe('GraphiQL outside production', () => {
  it('is served without the dashboard CSP (its scripts come from a CDN) and sends the CSRF header', async () => {
    const page = await fetch(`${platform.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toBeNull();
    expect(await page.text()).toContain('x-graphql-yoga-csrf');
    expect((await gqlOk(platform.url, '{ __schema { queryType { name } } }')).__schema.queryType.name).toBe('Query');
  });
});

describe('headers and the refresh cookie', () => {
  it('sends a CSP that forbids framing, nosniff and a referrer policy; no HSTS over plain http', async () => {
    const res = await fetch(`${platform.url}/health`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('sets the refresh token as an HttpOnly, SameSite=Strict cookie for /graphql, which refreshToken takes without an argument', async () => {
    const account = await createWorkspace(platform.url);
    const signIn = await post({ query: `mutation($i: SignInInput!) { signIn(input: $i) { refreshToken } }`, variables: { i: { email: account.email, password: 'correct horse battery' } } }, { 'x-forwarded-for': newIp() });
    const cookie = signIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^parley_refresh=[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/graphql');
    expect(cookie).not.toContain('Secure');
    const value = /^parley_refresh=([\w-]+)/.exec(cookie)![1];
    expect(value).toBe(signIn.body.data.signIn.refreshToken);

    const refreshed = await post({ query: `mutation { refreshToken { accessToken refreshToken } }` }, { cookie: `parley_refresh=${value}`, 'x-forwarded-for': newIp() });
    const next = refreshed.body.data.refreshToken;
    expect((await gqlOk(platform.url, '{ viewer { user { email } } }', {}, next.accessToken)).viewer.user.email).toBe(account.email);
    expect(refreshed.headers.get('set-cookie')).toContain(`parley_refresh=${next.refreshToken};`);

    // The old cookie was rotated away: presenting it again signs out the chain and clears the cookie.
    const reuse = await post({ query: `mutation { refreshToken { accessToken } }` }, { cookie: `parley_refresh=${value}`, 'x-forwarded-for': newIp() });
    expect(reuse.body.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(reuse.headers.get('set-cookie')).toMatch(/^parley_refresh=;/);
    const chain = await post({ query: `mutation { refreshToken { accessToken } }` }, { cookie: `parley_refresh=${next.refreshToken}`, 'x-forwarded-for': newIp() });
    expect(chain.body.errors[0].message).toMatch(/already used/);
  });

  it("refuses a removed member's refresh token before rotating it: no new token is issued", async () => {
    const account = await createWorkspace(platform.url);
    await query(platform.databaseUrl, 'delete from memberships where workspace_id = $1', [account.workspaceId]);
    const refused = await post({ query: `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, variables: { t: account.refreshToken } }, { 'x-forwarded-for': newIp() });
    expect(refused.body.errors[0]).toMatchObject({ message: 'you are no longer a member of this workspace', extensions: { code: 'UNAUTHENTICATED' } });
    const tokens = await query(platform.databaseUrl, 'select revoked_at, replaced_by_id from refresh_tokens where workspace_id = $1', [account.workspaceId]);
    expect(tokens).toEqual([{ revoked_at: null, replaced_by_id: null }]);
  });

  it('signOut revokes the sign-in chain of the cookie', async () => {
    const account = await createWorkspace(platform.url);
    const out = await post({ query: `mutation { signOut }` }, { cookie: `parley_refresh=${account.refreshToken}` });
    expect(out.body.data.signOut).toBe(true);
    expect(out.headers.get('set-cookie')).toMatch(/^parley_refresh=;/);
    const after = await post({ query: `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`, variables: { t: account.refreshToken } }, { 'x-forwarded-for': newIp() });
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('access tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({ sub: '00000000-0000-0000-0000-000000000000', wid: shop.workspaceId, role: 'OWNER', iss: 'parley' });
  const channels = async (token: string) => gql(platform.url, '{ channels { id } }', {}, token);

  it('refuses a validly signed token without exp, and one issued in the future', async () => {
    const noExp = await channels(signJwt({ ...claims(), iat: now() }));
    expect(noExp.errors![0]).toMatchObject({ message: 'access token has no exp claim', extensions: { code: 'UNAUTHENTICATED' } });
    const future = await channels(signJwt({ ...claims(), iat: now() + 3600, exp: now() + 7200 }));
    expect(future.errors![0]).toMatchObject({ message: 'access token issued in the future', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('answers an unknown role claim with UNAUTHENTICATED, not an unexpected error', async () => {
    const result = await channels(signJwt({ ...claims(), role: 'ROOT', iat: now(), exp: now() + 300 }));
    expect(result.errors![0]).toMatchObject({ message: 'access token has an unknown role', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('ends a subscription stream when its token expires, with UNAUTHENTICATED for the client to refresh on', async () => {
    const owner = (await gqlOk(platform.url, '{ viewer { user { id } } }', {}, shop.token)).viewer.user.id;
    const token = signJwt({ sub: owner, wid: shop.workspaceId, role: 'OWNER', iss: 'parley', iat: now(), exp: now() + 2 });
    const opened = Date.now();
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}`, ...CSRF_HEADERS },
      body: JSON.stringify({ query: 'subscription { messageAdded { id } }' }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // The stream's end is the barrier: reading the body returns once the server closes it (or the test times out).
    const body = await res.text();
    expect(Date.now() - opened).toBeLessThan(10_000);
    const next = body.split('\n\n').find((frame) => frame.startsWith('event: next'))!;
    expect(JSON.parse(next.replace(/^event: next\ndata: /, '')).errors[0]).toMatchObject({ message: 'access token expired', extensions: { code: 'UNAUTHENTICATED' } });
    expect(body).toContain('event: complete');
  }, 20_000);
});

describe('NUL characters', () => {
  it('are a field error on the field that holds them, not a 500', async () => {
    const inbound = await gql(
      platform.url,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
      { i: { channelId: shop.channelId, from: '+4915100000071', text: 'hi\u0000there' } },
      shop.token,
    );
    expect(inbound.errors![0]).toMatchObject({ message: 'text: contains a NUL character, which text cannot hold', extensions: { code: 'BAD_USER_INPUT', field: 'text' } });
    const rule = await gql(platform.url, `mutation { createKeywordRule(input: { keywords: ["ok", "a\\u0000b"], matchType: EXACT, reply: "x" }) { id } }`, {}, shop.token);
    expect(rule.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'keywords.1' });
    const signUp = await post({ query: SIGN_UP, variables: { i: { email: 'n@example.com', password: 'correct horse battery', name: 'Nul\u0000', workspaceName: 'W' } } }, { 'x-forwarded-for': newIp() });
    expect(signUp.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });
});

describe('temporalUrl', () => {
  it('is given to owners and admins only', async () => {
    const { simulateInbound } = await gqlOk(
      platform.url,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { conversationId } }`,
      { i: { channelId: shop.channelId, from: '+4915100000072', text: 'hello' } },
      shop.token,
    );
    const email = `viewer-${randomBytes(3).toString('hex')}@example.com`;
    await gqlOk(platform.url, `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`, { i: { email, name: 'V', password: 'viewer password', role: 'VIEWER' } }, shop.token);
    const viewer = (await post({ query: SIGN_IN, variables: { i: { email, password: 'viewer password' } } }, { 'x-forwarded-for': newIp() })).body.data.signIn.accessToken;
    const read = (token: string) => gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { temporalUrl } }`, { id: simulateInbound.conversationId }, token);
    expect((await read(viewer)).conversation.temporalUrl).toBeNull();
    expect((await read(shop.token)).conversation.temporalUrl).toMatch(/\/namespaces\/default\/workflows\/conversation%3A/);
  });
});
