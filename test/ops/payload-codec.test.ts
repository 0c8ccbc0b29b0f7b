/**
 * Temporal payloads are encrypted end to end: a conversation's history read straight from the
 * Temporal server holds neither the customer's text nor their phone number, and the api's codec
 * endpoint (the Temporal Web UI's remote codec) decodes it only for an OWNER or ADMIN of the
 * conversation's workspace.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import { createWorkspace, CSRF_HEADERS, gqlOk, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../support/platform';
import { TEST_ROOT, TEST_TEMPORAL_ADDRESS, testDataConverter } from '../support/services-env';

const REPLY = 'Your pineapple subscription is confirmed.';
const PHONE = '+4915100007001';
const TEXT = 'please renew my pineapple subscription, code 77-31-55';

let platform: PlatformProcess;
let shop: TestWorkspace;
let connection: Connection;
let history: proto.api.history.v1.IHistory;

interface WirePayload {
  metadata: Record<string, string>;
  data: string;
}

beforeAll(async () => {
  platform = await startPlatform();
  shop = await createWorkspace(platform.url, [{ keywords: ['pineapple'], matchType: 'CONTAINS', reply: REPLY }]);
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { conversationId } }`,
    { i: { channelId: shop.channelId, from: PHONE, text: TEXT } },
    shop.token,
  );
  const conversation = await waitFor('the bot reply', async () => {
    const { conversation } = await gqlOk(
      platform.url,
      `query($id: ID!) { conversation(id: $id) { workflowId messages { direction status text } } }`,
      { id: simulateInbound.conversationId },
      shop.token,
    );
    return conversation.messages.some((m: { direction: string; status: string }) => m.direction === 'OUTBOUND' && m.status === 'SENT') && conversation;
  });
  expect(conversation.messages.map((m: { text: string }) => m.text)).toEqual([TEXT, REPLY]);
  // A client without the codec: what Temporal's database (and anyone reading it) holds.
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  history = await new Client({ connection }).workflow.getHandle(conversation.workflowId).fetchHistory();
});

afterAll(async () => {
  await connection?.close();
  await platform?.stop();
});

/** Every payload of the history's workflow inputs, signals and activity inputs and results, as the UI sends them. */
function historyPayloads(): WirePayload[] {
  const payloads = (history.events ?? []).flatMap((e) => [
    ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
    ...(e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []),
    ...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
    ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
  ]);
  return payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  }));
}

const text = (payloads: WirePayload[]) => payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
const encoding = (p: WirePayload) => Buffer.from(p.metadata.encoding, 'base64').toString();

const UI_ORIGIN = 'http://localhost:8233';

async function decode(token: string | undefined, payloads: WirePayload[], origin?: string, cookie?: string): Promise<Response> {
  return fetch(`${platform.url}/codec/decode`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-namespace': 'default',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(origin ? { origin } : {}),
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify({ payloads }),
  });
}

/** Signs in through the dashboard's GraphQL call: the access token and the Set-Cookie headers the browser gets. */
async function signIn(email: string, password: string): Promise<{ accessToken: string; cookies: string[] }> {
  const response = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADERS },
    body: JSON.stringify({ query: `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, variables: { i: { email, password } } }),
  });
  const { data } = (await response.json()) as { data: { signIn: { accessToken: string } } };
  return { accessToken: data.signIn.accessToken, cookies: response.headers.getSetCookie() };
}

/** The `name=value` of the codec cookie a sign-in set, or undefined when it set none (or cleared it). */
function codecCookie(cookies: string[]): string | undefined {
  const pair = cookies.find((c) => c.startsWith('parley_codec='))?.split(';')[0];
  return pair && pair !== 'parley_codec=' ? pair : undefined;
}

async function member(role: 'ADMIN' | 'AGENT'): Promise<{ accessToken: string; cookies: string[] }> {
  const email = `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@example.com`;
  const password = `Quiet-${randomBytes(6).toString('hex')}-Harbour`;
  await gqlOk(platform.url, `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`, { i: { email, name: role, password, role } }, shop.token);
  return signIn(email, password);
}

test('the history straight from Temporal, its workflow id and search attributes included, holds no message text, reply or phone number', () => {
  const raw = Buffer.from(proto.api.history.v1.History.encode(history).finish());
  expect(raw.length).toBeGreaterThan(1000);
  for (const secret of ['pineapple', '77-31-55', REPLY, PHONE.slice(1)]) expect([secret, raw.includes(secret)]).toEqual([secret, false]);
  // The Web UI lists every tenant's workflows by id: the id names the conversation's row, not the contact.
  const started = history.events![0].workflowExecutionStartedEventAttributes!;
  expect(started.workflowId).toMatch(new RegExp(`^conversation:${shop.channelId}:[0-9a-f-]{36}$`));
  const payloads = historyPayloads();
  expect(payloads.length).toBeGreaterThan(3);
  expect(new Set(payloads.map(encoding))).toEqual(new Set(['binary/encrypted']));
});

test('an OWNER and an ADMIN of the workspace get the payloads decoded', async () => {
  for (const token of [shop.token, (await member('ADMIN')).accessToken]) {
    const response = await decode(token, historyPayloads());
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: WirePayload[] };
    // Every payload: workflow input, signal, activity arguments and results all carry their channel's scope.
    expect(payloads.map(encoding).filter((e) => e === 'binary/encrypted')).toEqual([]);
    expect(text(payloads)).toContain(TEXT);
    expect(text(payloads)).toContain(PHONE.slice(1));
  }
});

test("another workspace's OWNER gets the payloads back still encrypted", async () => {
  const other = await createWorkspace(platform.url);
  const response = await decode(other.token, historyPayloads());
  expect(response.status).toBe(200);
  const { payloads } = (await response.json()) as { payloads: WirePayload[] };
  expect(payloads).toEqual(historyPayloads());
  expect(text(payloads)).not.toContain('pineapple');
});

test('an AGENT of the workspace, a missing token and a bad one are refused', async () => {
  const agent = await decode((await member('AGENT')).accessToken, historyPayloads());
  expect(agent.status).toBe(403);
  expect(await agent.json()).toEqual({ error: 'only an OWNER or ADMIN of the workspace may decode its payloads' });
  expect((await decode(undefined, historyPayloads())).status).toBe(401);
  expect((await decode('not-a-token', historyPayloads())).status).toBe(401);
});

test('a tampered scope does not decode, even for the owner', async () => {
  const other = await createWorkspace(platform.url);
  const channelOfShop = Buffer.from(`channel:${shop.channelId}`).toString('base64');
  const forged = historyPayloads().map((p) => ({ ...p, metadata: { ...p.metadata, 'parley-scope': Buffer.from(`channel:${other.channelId}`).toString('base64') } }));
  expect(historyPayloads()[0].metadata['parley-scope']).toBe(channelOfShop);
  // The forged scope names the other workspace's channel; its owner still cannot read the payload.
  const response = await decode(other.token, forged);
  expect(response.status).toBe(200);
  const { payloads } = (await response.json()) as { payloads: WirePayload[] };
  expect(payloads).toEqual(forged);
  expect(text(payloads)).not.toContain('pineapple');
});

test('the Temporal UI origin gets CORS grants for the codec; a foreign origin does not', async () => {
  const preflight = await fetch(`${platform.url}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-namespace' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  const foreign = await decode(shop.token, [], 'https://evil.example');
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
});

test("the Web UI's cookie decodes for the owner who signed in: HttpOnly, only for /codec, CORS with credentials for the UI origin", async () => {
  const { cookies } = await signIn(shop.email, 'correct horse battery');
  const attributes = cookies.find((c) => c.startsWith('parley_codec='))!.split(/;\s*/).slice(1).map((a) => a.toLowerCase());
  expect(attributes).toEqual(expect.arrayContaining(['path=/codec', 'httponly', 'samesite=strict', 'max-age=900']));
  const cookie = codecCookie(cookies)!;
  const response = await decode(undefined, historyPayloads(), UI_ORIGIN, cookie);
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  const { payloads } = (await response.json()) as { payloads: WirePayload[] };
  expect(payloads.map(encoding).filter((e) => e === 'binary/encrypted')).toEqual([]);
  expect(text(payloads)).toContain(TEXT);
  // A page on another site may send the request; it gets no CORS grant to read the answer.
  const foreign = await decode(undefined, historyPayloads(), 'https://evil.example', cookie);
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
});

test("an AGENT's sign-in sets no codec cookie and an AGENT's token in it is refused; another workspace's owner's cookie decodes nothing", async () => {
  const agent = await member('AGENT');
  expect(codecCookie(agent.cookies)).toBeUndefined();
  const refused = await decode(undefined, historyPayloads(), UI_ORIGIN, `parley_codec=${agent.accessToken}`);
  expect(refused.status).toBe(403);
  expect(await refused.json()).toEqual({ error: 'only an OWNER or ADMIN of the workspace may decode its payloads' });
  const other = await createWorkspace(platform.url);
  const otherCookie = codecCookie((await signIn(other.email, 'correct horse battery')).cookies)!;
  const response = await decode(undefined, historyPayloads(), UI_ORIGIN, otherCookie);
  expect(response.status).toBe(200);
  const { payloads } = (await response.json()) as { payloads: WirePayload[] };
  expect(payloads).toEqual(historyPayloads());
  expect((await decode(undefined, historyPayloads(), UI_ORIGIN, 'parley_codec=not-a-token')).status).toBe(401);
});

/** A conversation from `from` with the bot's reply in `status`: its messages and its history straight from Temporal. */
async function conversationUntil(from: string, status: string): Promise<{ messages: { direction: string; status: string; failureReason: string | null }[]; history: proto.api.history.v1.IHistory }> {
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { conversationId } }`,
    { i: { channelId: shop.channelId, from, text: TEXT } },
    shop.token,
  );
  const conversation = await waitFor(`the reply ${status}`, async () => {
    const { conversation } = await gqlOk(
      platform.url,
      `query($id: ID!) { conversation(id: $id) { workflowId messages { direction status failureReason } } }`,
      { id: simulateInbound.conversationId },
      shop.token,
    );
    return conversation.messages.some((m: { direction: string; status: string }) => m.direction === 'OUTBOUND' && m.status === status) && conversation;
  });
  return { messages: conversation.messages, history: await new Client({ connection }).workflow.getHandle(conversation.workflowId).fetchHistory() };
}

const rawHistory = (h: proto.api.history.v1.IHistory) => Buffer.from(proto.api.history.v1.History.encode(h).finish());

test("a send the channel refuses: the row FAILED with the reason, which the history holds only sealed", async () => {
  const refused = '+9990000007';
  const { messages, history: refusedHistory } = await conversationUntil(refused, 'FAILED');
  expect(messages[1]).toEqual({ direction: 'OUTBOUND', status: 'FAILED', failureReason: `${refused} is not on WhatsApp` });
  expect(rawHistory(refusedHistory).includes('is not on WhatsApp')).toBe(false);
});

test("an activity attempt's failure reaches Temporal sealed: neither its message nor its stack in plain form, and the owner can decode it", async () => {
  // The simulator's wire drops the connection after the first attempt (+9991): the retry sends it, and the
  // retried attempt's started event keeps the failure before it.
  const { messages, history: retried } = await conversationUntil('+9991000007', 'SENT');
  expect(messages.map((m) => m.status)).toEqual(['DELIVERED', 'SENT']);
  const failures = retried.events!.flatMap((e) => (e.activityTaskStartedEventAttributes?.lastFailure ? [e.activityTaskStartedEventAttributes.lastFailure] : []));
  expect(failures.length).toBe(1);
  for (const secret of ['socket hang up', 'simulator.channel', 'messaging.activities']) expect([secret, rawHistory(retried).includes(secret)]).toEqual([secret, false]);
  // The SDK's placeholder stands in for the message; the real one is in the sealed attributes.
  expect(failures.map((f) => [f.message, f.stackTrace])).toEqual([['Encoded failure', '']]);
  const sealed = failures[0].encodedAttributes!;
  const wire: WirePayload = {
    metadata: Object.fromEntries(Object.entries(sealed.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(sealed.data ?? []).toString('base64'),
  };
  expect(encoding(wire)).toBe('binary/encrypted');
  const { payloads } = (await (await decode(shop.token, [wire])).json()) as { payloads: WirePayload[] };
  expect(text(payloads)).toContain('socket hang up: the connection dropped after the message was written');
  expect(text(payloads)).toContain('simulator.channel');
});

test('the encrypted history replays against the workflow code through the same data converter', async () => {
  // Bundled from the sources, as workflows/replay.test.ts does: a stale dist/ cannot pass it.
  const workflowsPath = path.join(TEST_ROOT, 'workflows/index.ts');
  const dataConverter = testDataConverter();
  await Worker.runReplayHistory({ workflowsPath, dataConverter }, history, 'encrypted conversation');
});
