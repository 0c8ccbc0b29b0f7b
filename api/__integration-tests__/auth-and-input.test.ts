/**
 * What a caller gets wrong, and what another tenant must never see: clear coded errors, nothing
 * half-written. None of it needs a worker, so the api runs in this process (test/support/app.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { createWorkspace, freePort, gql, gqlOk, query, type TestWorkspace } from '../../test/support/platform';
import { startTestApp, testApp } from '../../test/support/app';
import { signJwt } from '../../test/support/jwt';

const api = testApp();
let shop: TestWorkspace;
let closedPort: number;

beforeAll(async () => {
  [shop, closedPort] = await Promise.all([createWorkspace(api), freePort()]);
});

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code);

describe('sign-in and tokens', () => {
  it('rejects a wrong password and an unknown email with the same message', async () => {
    const wrong = await gql(api, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email: shop.email, password: 'not the password' } });
    const unknown = await gql(api, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email: 'nobody@example.com', password: 'whatever1' } });
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors![0].message).toBe('wrong email or password');
    expect(unknown.errors![0].message).toBe('wrong email or password');
  });

  it('signs in with the right password, case-insensitively on the email', async () => {
    const { signIn } = await gqlOk(api, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken workspace { id } } }`, {
      i: { email: shop.email.toUpperCase(), password: 'correct horse battery' },
    });
    expect(signIn.workspace.id).toBe(shop.workspaceId);
  });

  it('refuses a request without a token, with a malformed header, and with an expired token', async () => {
    expect(codes(await gql(api, '{ channels { id } }'))).toEqual(['UNAUTHENTICATED']);
    const res = await api.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: 'Token abc' },
      payload: JSON.stringify({ query: '{ channels { id } }' }),
    });
    expect(codes(res.json())).toEqual(['UNAUTHENTICATED']);

    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: '00000000-0000-0000-0000-000000000000', wid: shop.workspaceId, role: 'OWNER', iss: 'parley' };
    const expired = signJwt({ ...claims, iat: now - 3600, exp: now - 60 });
    const result = await gql(api, '{ channels { id } }', {}, expired);
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.errors![0].message).toBe('access token expired');

    const forged = signJwt({ ...claims, exp: now + 300 }, 'some other secret that is long enough');
    expect(codes(await gql(api, '{ channels { id } }', {}, forged))).toEqual(['UNAUTHENTICATED']);
  });

  it('rotates refresh tokens, and reusing an old one signs out the whole chain', async () => {
    const account = await createWorkspace(api);
    const refresh = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
    const first = (await gqlOk(api, refresh, { t: account.refreshToken })).refreshToken;
    expect(first.refreshToken).not.toBe(account.refreshToken);
    expect((await gqlOk(api, '{ viewer { role workspace { id } } }', {}, first.accessToken)).viewer).toEqual({ role: 'OWNER', workspace: { id: account.workspaceId } });

    const reuse = await gql(api, refresh, { t: account.refreshToken });
    expect(codes(reuse)).toEqual(['UNAUTHENTICATED']);
    expect(reuse.errors![0].message).toMatch(/already used/);
    // The thief's reuse revoked the legitimate newer token too.
    const after = await gql(api, refresh, { t: first.refreshToken });
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql(api, refresh, { t: 'made-up-token' }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('input validation', () => {
  it('rejects a bad sign-up field by name and creates nothing', async () => {
    const email = `short-${Date.now()}@example.com`;
    const result = await gql(api, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`, {
      i: { email, password: 'short', name: 'A', workspaceName: 'B' },
    });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toBe('password: must be at least 8 characters');
    expect(await query(api.databaseUrl, 'select 1 from users where email = $1', [email])).toHaveLength(0);

    const badEmail = await gql(api, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`, {
      i: { email: 'not-an-email', password: 'long enough pw', name: 'A', workspaceName: 'B' },
    });
    expect(badEmail.errors![0].message).toBe('email: is not an email address');
  });

  it('refuses a second account with the same email', async () => {
    const result = await gql(api, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`, {
      i: { email: shop.email, password: 'long enough pw', name: 'A', workspaceName: 'B' },
    });
    expect(result.errors![0]).toMatchObject({ message: 'email: an account with this email already exists', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('names the problem in a malformed inbound message and stores nothing', async () => {
    const send = (input: object) =>
      gql(api, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`, { i: { channelId: shop.channelId, ...input } }, shop.token);
    const badPhone = await send({ from: 'call me maybe', text: 'hi' });
    expect(codes(badPhone)).toEqual(['BAD_USER_INPUT']);
    expect(badPhone.errors![0].message).toMatch(/^from: .*international format/);
    const empty = await send({ from: '+4915100000099', text: '' });
    expect(empty.errors![0].message).toBe('text: is empty');
    const tooLong = await send({ from: '+4915100000099', text: 'x'.repeat(4097) });
    expect(tooLong.errors![0].message).toMatch(/^text: is longer than WhatsApp allows/);
    expect(await query(api.databaseUrl, `select 1 from contacts where phone = '+4915100000099'`)).toHaveLength(0);
  });

  it('says which value is wrong in a GraphQL type error', async () => {
    const result = await gql(api, `mutation { createKeywordRule(input: { keywords: ["a"], matchType: FUZZY, reply: "x" }) { id } }`, {}, shop.token);
    expect(result.errors![0].message).toMatch(/FUZZY/);
  });

  it('rejects an invalid regular expression in a keyword rule', async () => {
    // A workspace of its own: its rule list must stay empty.
    const ws = await createWorkspace(api);
    const result = await gql(
      api,
      `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`,
      { i: { keywords: ['(unclosed'], matchType: 'REGEX', reply: 'x' } },
      ws.token,
    );
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/^keywords\.0: is not a valid regular expression/);
    const unsupported = await gql(
      api,
      `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`,
      { i: { keywords: ['^order\\s+\\d+$', '(a)\\1'], matchType: 'REGEX', reply: 'x' } },
      ws.token,
    );
    expect(codes(unsupported)).toEqual(['BAD_USER_INPUT']);
    expect(unsupported.errors![0].message).toBe('keywords.1: uses a backreference (\\1, \\k<name>), which cannot be matched in linear time');
    expect((await gqlOk(api, '{ keywordRules { id } }', {}, ws.token)).keywordRules).toHaveLength(0);
  });

  it('answers NOT_FOUND for an unknown channel and an unknown conversation', async () => {
    const unknownChannel = await gql(
      api,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
      { i: { channelId: '7d3c8b52-7a7e-4c1b-9a57-2f1d5c8e0a11', from: '+4915100000098', text: 'hi' } },
      shop.token,
    );
    expect(codes(unknownChannel)).toEqual(['NOT_FOUND']);
    expect(unknownChannel.errors![0].message).toBe('channel not found');
    const notAnId = await gql(api, `{ conversation(id: "nope") { id } }`, {}, shop.token);
    expect(codes(notAnId)).toEqual(['NOT_FOUND']);
  });

  it('explains a bad page size and a forged cursor, without a stack trace', async () => {
    const result = await gql(api, `{ conversations(first: 500) { edges { cursor } } }`, {}, shop.token);
    expect(result.errors![0].message).toBe('first: must be at most 100');
    const text = JSON.stringify(await gql(api, `{ conversations(after: "garbage") { edges { cursor } } }`, {}, shop.token));
    expect(text).toContain('after: is not a cursor this API gave out');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

const CLOUD_API_CREDENTIALS = { phoneNumberId: '1234567890', businessAccountId: '555', accessToken: 'EAAG-token', appSecret: 'app-secret', verifyToken: 'verify-me' };

describe('channel credentials', () => {
  it('stores them encrypted, never returns them, and rejects what is not JSON', async () => {
    const secret = 'EAAG-very-secret-token';
    const { createChannel } = await gqlOk(
      api,
      `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id kind status } }`,
      { i: { kind: 'CLOUD_API', name: 'Main number', credentials: JSON.stringify({ ...CLOUD_API_CREDENTIALS, accessToken: secret }) } },
      shop.token,
    );
    expect(createChannel).toMatchObject({ kind: 'CLOUD_API', status: 'PENDING' });
    const [row] = await query(api.databaseUrl, 'select credentials_encrypted from channels where id = $1', [createChannel.id]);
    expect(row.credentials_encrypted).toMatch(/^v1\./);
    expect(row.credentials_encrypted).not.toContain(secret);
    const dump = await query(api.databaseUrl, `select count(*)::int as n from channels where credentials_encrypted like '%' || $1 || '%'`, [secret]);
    expect(dump[0].n).toBe(0);

    const bad = await gql(api, `mutation { createChannel(input: { kind: CLOUD_API, name: "x", credentials: "token=abc" }) { id } }`, {}, shop.token);
    expect(bad.errors![0]).toMatchObject({ message: 'credentials: must be a JSON object', extensions: { code: 'BAD_USER_INPUT' } });

    // A real number's channel takes no simulated messages, and the refusal writes nothing.
    const simulated = await gql(
      api,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
      { i: { channelId: createChannel.id, from: '+4915100000095', text: 'hi' } },
      shop.token,
    );
    expect(simulated.errors![0]).toMatchObject({ message: 'channelId: only SIMULATOR channels take simulated messages', extensions: { code: 'BAD_USER_INPUT' } });
    expect(await query(api.databaseUrl, `select 1 from contacts where phone = '+4915100000095'`)).toHaveLength(0);
  });
});

describe('channel credentials shape', () => {
  const create = (kind: string, credentials: string) =>
    gql(api, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id } }`, { i: { kind, name: 'n', credentials } }, shop.token);
  const refusal = async (kind: string, credentials: string) => {
    const { data, errors } = await create(kind, credentials);
    expect(data).toBeFalsy();
    return { message: errors![0].message, code: errors![0].extensions?.code, field: errors![0].extensions?.field };
  };

  it('refuses JSON that is not an object: null, an array, a string, a number', async () => {
    for (const credentials of ['null', '[1,2]', '"token"', '42']) {
      expect(await refusal('CLOUD_API', credentials)).toEqual({ message: 'credentials: must be a JSON object', code: 'BAD_USER_INPUT', field: 'credentials' });
    }
  });

  it('wants every Cloud API field as a non-empty string, and no others', async () => {
    const { phoneNumberId: _, ...withoutPhone } = CLOUD_API_CREDENTIALS;
    expect((await refusal('CLOUD_API', JSON.stringify(withoutPhone))).message).toMatch(/^credentials: phoneNumberId: /);
    expect((await refusal('CLOUD_API', JSON.stringify({ ...CLOUD_API_CREDENTIALS, appSecret: 7 }))).message).toMatch(/^credentials: appSecret: /);
    expect((await refusal('CLOUD_API', JSON.stringify({ ...CLOUD_API_CREDENTIALS, verifyToken: '  ' }))).message).toBe('credentials: verifyToken: is required');
    expect((await refusal('CLOUD_API', JSON.stringify({ ...CLOUD_API_CREDENTIALS, extra: 'x' }))).message).toBe('credentials: has unknown keys: extra');
  });

  it('gives a simulator or WhatsApp Web channel none, or an empty object, and stores nothing for it', async () => {
    expect((await refusal('SIMULATOR', '{"token":"x"}')).message).toBe('credentials: a SIMULATOR channel takes no credentials');
    expect((await refusal('BAILEYS', '{"token":"x"}')).message).toBe('credentials: a BAILEYS channel takes no credentials');
    const { data } = await create('BAILEYS', '{}');
    const [row] = await query(api.databaseUrl, 'select kind, status, credentials_encrypted from channels where id = $1', [data.createChannel.id]);
    expect(row).toEqual({ kind: 'BAILEYS', status: 'CONNECTING', credentials_encrypted: null });
  });
});

describe('tenant isolation', () => {
  it("gives another workspace NOT_FOUND for a conversation, a channel and its messages", async () => {
    // Two workspaces of their own, so what the rival may see is exactly nothing of the owner's.
    const [owner, rival] = await Promise.all([createWorkspace(api, [{ keywords: ['order'], matchType: 'CONTAINS', reply: 'Thanks for your order.' }]), createWorkspace(api)]);
    const { simulateInbound } = await gqlOk(
      api,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
      { i: { channelId: owner.channelId, from: '+4915100000097', text: 'private order details' } },
      owner.token,
    );
    const id = simulateInbound.conversationId;
    const own = await gqlOk(api, `query($id: ID!) { conversation(id: $id) { messages { text } } }`, { id }, owner.token);
    expect(own.conversation.messages.map((m: { text: string }) => m.text)).toEqual(['private order details']);

    const peek = await gql(api, `query($id: ID!) { conversation(id: $id) { id messages { text } } }`, { id }, rival.token);
    expect(codes(peek)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(peek)).not.toContain('private order details');

    for (const mutation of ['takeOver', 'release', 'markRead']) {
      const r = await gql(api, `mutation($id: ID!) { ${mutation}(conversationId: $id) { id } }`, { id }, rival.token);
      expect(codes(r)).toEqual(['NOT_FOUND']);
    }
    const send = await gql(api, `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, { i: { conversationId: id, text: 'hijack' } }, rival.token);
    expect(codes(send)).toEqual(['NOT_FOUND']);
    const inject = await gql(
      api,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
      { i: { channelId: owner.channelId, from: '+4915100000096', text: 'hi' } },
      rival.token,
    );
    expect(codes(inject)).toEqual(['NOT_FOUND']);
    expect(await query(api.databaseUrl, `select 1 from contacts where phone = '+4915100000096'`)).toHaveLength(0);

    const lists = await gqlOk(api, '{ conversations { edges { node { id } } } channels { id } keywordRules { id } }', {}, rival.token);
    expect(lists).toEqual({ conversations: { edges: [] }, channels: [{ id: rival.channelId }], keywordRules: [] });
    expect(await query(api.databaseUrl, `select 1 from messages where text = 'hijack'`)).toHaveLength(0);
  });
});

describe('health', () => {
  it('reports Postgres and Temporal reachable', async () => {
    const res = await api.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', postgres: { ok: true }, temporal: { ok: true } });
  });

  it('answers 503 naming Temporal when Temporal does not answer', async () => {
    // A real client pointed at a port nobody listens on: the api as it is when its Temporal is down.
    const down = await startTestApp({ swap: (deps) => ({ ...deps, temporal: new Client({ connection: Connection.lazy({ address: `127.0.0.1:${closedPort}` }) }) }) });
    try {
      const res = await down.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'degraded', postgres: { ok: true }, temporal: { ok: false, error: expect.any(String) } });
    } finally {
      await down.stop();
    }
  });
});
