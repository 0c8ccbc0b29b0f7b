/**
 * The Cloud API channel end to end: Parley spawned as a real process, Meta's side played by a
 * fake Graph API server (test/support/fake-graph-api.ts) that records every request it gets, and
 * webhooks signed as Meta signs them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createWorkspace, gql, gqlOk, query, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../../../test/support/platform';
import { startFakeGraphApi, type FakeGraphApi } from '../../../../test/support/fake-graph-api';
import { postWebhook, statusWebhook, textWebhook } from '../../../../test/support/cloud-api';
import { FIXTURES } from '../../../../test/support/fixtures';
import { settledReply } from '../../../../test/support/sends';
import { OUTSIDE_WINDOW_REASON } from '../service-window';
import { WEBHOOK_BODY_LIMIT } from '../../../../api/routes/whatsapp-webhook';

const PRICE_REPLY = 'Our prices start at 10 EUR';
const TOKEN = 'EAAG-test-access-token';
const PHONE_NUMBER_ID = '106540352242922';
const WABA = '102290129340398';
// The secret of the regression vector over meta-text.json (fixtures/cloud-api/NOTES.md §2).
const APP_SECRET = 'test-app-secret';
const VERIFY_TOKEN = 'meatyhamhock';
const GRAPH_TIMEOUT_MS = 2000;

let graph: FakeGraphApi;
let platform: PlatformProcess;
let shop: TestWorkspace;
let channelId: string;

const credentials = (extra: Record<string, string> = {}) =>
  JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, businessAccountId: WABA, accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, ...extra });
const CREATE = `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id kind status webhookUrl verifyToken } }`;

beforeAll(async () => {
  graph = await startFakeGraphApi();
  graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  platform = await startPlatform({ env: { GRAPH_API_URL: graph.url, GRAPH_API_VERSION: 'v23.0', GRAPH_API_TIMEOUT_MS: String(GRAPH_TIMEOUT_MS), PUBLIC_URL: 'https://parley.example' } });
  shop = await createWorkspace(platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: PRICE_REPLY }]);
  const { createChannel } = await gqlOk(platform.url, CREATE, { i: { kind: 'CLOUD_API', name: 'Cloud', credentials: credentials() } }, shop.token);
  channelId = createChannel.id;
});

afterAll(async () => {
  await platform?.stop();
  await graph?.close();
});

const inbound = (from: string, text: string, id?: string) => postWebhook(platform.url, channelId, textWebhook({ phoneNumberId: PHONE_NUMBER_ID, from, text, id }), APP_SECRET);

async function inboundRow(externalId: string) {
  return waitFor(`inbound ${externalId} stored`, async () => (await query(platform.databaseUrl, 'select id, conversation_id, text from messages where external_id = $1', [externalId]))[0]);
}

describe('a Cloud API channel', () => {
  it('is CONNECTED when its credentials work against the Graph API, and shows its webhook URL and verify token to its owner', async () => {
    const { channels } = await gqlOk(platform.url, `{ channels { id kind status webhookUrl verifyToken } }`, {}, shop.token);
    expect(channels.find((c: { id: string }) => c.id === channelId)).toEqual({
      id: channelId, kind: 'CLOUD_API', status: 'CONNECTED', webhookUrl: `https://parley.example/webhooks/whatsapp/${channelId}`, verifyToken: VERIFY_TOKEN,
    });
    expect(graph.requests.some((r) => r.method === 'GET' && r.path === `/v23.0/${PHONE_NUMBER_ID}` && r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('shows an agent the webhook URL but not the verify token, and lets no agent change credentials or sync templates', async () => {
    const email = `agent-${Date.now()}@example.com`;
    const password = 'Quokka-ledger-7319-umbrella';
    await gqlOk(platform.url, `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`, { i: { email, password, name: 'Agent', role: 'AGENT' } }, shop.token);
    const { signIn } = await gqlOk(platform.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email, password } });
    const { channels } = await gqlOk(platform.url, `{ channels { id webhookUrl verifyToken } }`, {}, signIn.accessToken);
    expect(channels.find((c: { id: string }) => c.id === channelId)).toEqual({ id: channelId, webhookUrl: `https://parley.example/webhooks/whatsapp/${channelId}`, verifyToken: null });
    const update = await gql(platform.url, `mutation($i: UpdateChannelCredentialsInput!) { updateChannelCredentials(input: $i) { id } }`, { i: { channelId, credentials: credentials() } }, signIn.accessToken);
    expect(update.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(platform.url, `mutation($c: ID!) { syncTemplates(channelId: $c) { id } }`, { c: channelId }, signIn.accessToken)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('stays PENDING with a refused token, and connects once updateChannelCredentials gives a working one', async () => {
    const { createChannel } = await gqlOk(platform.url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id status lastError } }`, { i: { kind: 'CLOUD_API', name: 'Bad token', credentials: credentials({ accessToken: 'wrong' }) } }, shop.token);
    expect(createChannel).toMatchObject({ status: 'PENDING', lastError: 'the access token was refused (Graph API error 190: Invalid OAuth access token - Cannot parse access token)' });
    const UPDATE = `mutation($i: UpdateChannelCredentialsInput!) { updateChannelCredentials(input: $i) { id status lastError } }`;
    const bad = await gql(platform.url, UPDATE, { i: { channelId: createChannel.id, credentials: '{"phoneNumberId": "1"}' } }, shop.token);
    expect(bad.errors?.[0]).toMatchObject({ message: 'credentials: businessAccountId: Invalid input: expected string, received undefined', extensions: { code: 'BAD_USER_INPUT', field: 'credentials' } });
    const { updateChannelCredentials } = await gqlOk(platform.url, UPDATE, { i: { channelId: createChannel.id, credentials: credentials() } }, shop.token);
    expect(updateChannelCredentials).toEqual({ id: createChannel.id, status: 'CONNECTED', lastError: null });
  });

  it('answers Meta\'s verification with the challenge for the right token, 403 otherwise, 404 for an unknown channel', async () => {
    const verify = (token: string, id = channelId, mode = 'subscribe') =>
      fetch(`${platform.url}/webhooks/whatsapp/${id}?hub.mode=${mode}&hub.challenge=1158201444&hub.verify_token=${encodeURIComponent(token)}`);
    const ok = await verify(VERIFY_TOKEN);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await verify('wrong')).status).toBe(403);
    expect((await verify(VERIFY_TOKEN, channelId, 'unsubscribe')).status).toBe(403);
    expect((await verify(VERIFY_TOKEN, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await verify(VERIFY_TOKEN, shop.channelId)).status).toBe(404);
  });

  it('stores the published payload signed over its exact bytes, and refuses it re-serialized or badly signed, storing nothing', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'cloud-api', 'meta-text.json'));
    const regressionVector = 'sha256=a0b920aa238bb2b2ae8a520acc96012071f452329ab312b098e170cea71e3ba5';
    const externalId = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=';
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))));

    expect((await postWebhook(platform.url, channelId, reserialized, APP_SECRET, regressionVector)).status).toBe(401);
    expect((await postWebhook(platform.url, channelId, bytes, APP_SECRET, 'sha256=' + '0'.repeat(64))).status).toBe(401);
    expect((await postWebhook(platform.url, channelId, bytes, APP_SECRET, '')).status).toBe(401);
    expect(await query(platform.databaseUrl, 'select 1 from messages where external_id = $1', [externalId])).toEqual([]);
    expect(await query(platform.databaseUrl, 'select 1 from webhook_inbox where channel_id = $1', [channelId])).toEqual([]);

    const accepted = await postWebhook(platform.url, channelId, bytes, APP_SECRET, regressionVector);
    expect(accepted.status).toBe(200);
    expect(await inboundRow(externalId)).toMatchObject({ text: 'Does it come in another color?' });
    const [contact] = await query(platform.databaseUrl, `select phone, name from contacts where contact_key = '16505551234'`);
    expect(contact).toEqual({ phone: '+16505551234', name: 'Sheena Nelson' });
  });

  it('refuses a body over the size bound before reading it as a notification (413), storing nothing', async () => {
    const huge = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: '+4915400000030', text: 'x'.repeat(WEBHOOK_BODY_LIMIT), id: 'wamid.huge' });
    expect((await postWebhook(platform.url, channelId, huge, APP_SECRET)).status).toBe(413);
    expect(await query(platform.databaseUrl, `select 1 from messages where external_id = 'wamid.huge'`)).toEqual([]);
  });

  it('keeps a signed body it cannot parse, for inspection, and answers 200 (the published vector: body "test", secret "secret")', async () => {
    const { createChannel } = await gqlOk(platform.url, CREATE, { i: { kind: 'CLOUD_API', name: 'Vector', credentials: credentials({ appSecret: 'secret' }) } }, shop.token);
    const response = await postWebhook(platform.url, createChannel.id, 'test', 'secret', 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914');
    expect(response.status).toBe(200);
    const kept = await query(platform.databaseUrl, 'select raw_body, error from webhook_inbox where channel_id = $1', [createChannel.id]);
    expect(kept).toEqual([{ raw_body: 'test', error: expect.stringMatching(/^not JSON/) }]);
    const wrongShape = await postWebhook(platform.url, createChannel.id, '{"object":"page","entry":[]}', 'secret');
    expect(wrongShape.status).toBe(200);
    expect((await query(platform.databaseUrl, 'select error from webhook_inbox where channel_id = $1 order by received_at', [createChannel.id]))[1].error).toMatch(/^object: /);
  });

  it('answers a customer\'s text with the keyword reply, sent to the Graph API once with the channel\'s token', async () => {
    const from = '+4915400000001';
    const id = 'wamid.inbound-price-1';
    expect((await inbound(from, 'what is the price?', id)).status).toBe(200);
    const stored = await inboundRow(id);
    const reply = await settledReply(platform.databaseUrl, stored.id);
    expect(reply.status).toBe('SENT');
    const sends = graph.sends(from);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ path: `/v23.0/${PHONE_NUMBER_ID}/messages`, authorization: `Bearer ${TOKEN}`, body: { messaging_product: 'whatsapp', to: '4915400000001', type: 'text', text: { body: PRICE_REPLY } } });
    expect(reply.external_id).toMatch(/^wamid\./);
  });

  it('marks the customer\'s messages read (blue ticks) once the reply went out, each inbound once', async () => {
    const from = '+4915400000009';
    const reads = () => graph.requests.filter((r) => r.body?.status === 'read' && String(r.body?.message_id).startsWith('wamid.ticks-')).map((r) => r.body?.message_id);
    await inbound(from, 'what is the price?', 'wamid.ticks-1');
    expect((await settledReply(platform.databaseUrl, (await inboundRow('wamid.ticks-1')).id)).status).toBe('SENT');
    const [read] = await waitFor('the read request', async () => graph.requests.find((r) => r.body?.message_id === 'wamid.ticks-1') && graph.requests.filter((r) => r.body?.message_id === 'wamid.ticks-1'));
    expect(read).toMatchObject({ method: 'POST', path: `/v23.0/${PHONE_NUMBER_ID}/messages`, authorization: `Bearer ${TOKEN}`, body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.ticks-1' } });
    // The next exchange is the barrier: its read comes after the first reply's, which is not repeated.
    await inbound(from, 'and the price again?', 'wamid.ticks-2');
    await settledReply(platform.databaseUrl, (await inboundRow('wamid.ticks-2')).id);
    await waitFor('the second read request', async () => reads().includes('wamid.ticks-2'));
    expect(reads()).toEqual(['wamid.ticks-1', 'wamid.ticks-2']);
  });

  it('stores a webhook Meta posts twice once, and answers it once', async () => {
    const from = '+4915400000002';
    const body = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, from, text: 'price please', id: 'wamid.twice' });
    expect((await postWebhook(platform.url, channelId, body, APP_SECRET)).status).toBe(200);
    expect((await postWebhook(platform.url, channelId, body, APP_SECRET)).status).toBe(200);
    const stored = await inboundRow('wamid.twice');
    expect((await settledReply(platform.databaseUrl, stored.id)).status).toBe('SENT');
    // A later message and its reply: the barrier that the repeat was routed (and not answered).
    await inbound(from, 'price again', 'wamid.after-twice');
    const after = await inboundRow('wamid.after-twice');
    await settledReply(platform.databaseUrl, after.id);
    expect(await query(platform.databaseUrl, `select count(*)::int as n from messages where external_id = 'wamid.twice'`)).toEqual([{ n: 1 }]);
    expect(graph.sends(from)).toHaveLength(2);
  });

  it('a Graph API that never answers leaves the reply UNCERTAIN after exactly one request', async () => {
    const from = '+4915400000003';
    graph.behave(from, 'hang');
    await inbound(from, 'price?', 'wamid.hang');
    const reply = await settledReply(platform.databaseUrl, (await inboundRow('wamid.hang')).id);
    expect(reply).toMatchObject({ status: 'UNCERTAIN', send_attempts: 1 });
    expect(reply.failure_reason).toContain(`did not answer within ${GRAPH_TIMEOUT_MS / 1000} s`);
    expect(graph.sends(from)).toHaveLength(1);
  });

  it('a connection reset after the request went out is UNCERTAIN too, never resent', async () => {
    const from = '+4915400000004';
    graph.behave(from, 'reset');
    await inbound(from, 'price?', 'wamid.reset');
    const reply = await settledReply(platform.databaseUrl, (await inboundRow('wamid.reset')).id);
    expect(reply).toMatchObject({ status: 'UNCERTAIN', send_attempts: 1 });
    expect(graph.sends(from)).toHaveLength(1);
  });

  it.each([
    ['HTTP 429', 'http-429-once', '+4915400000005'],
    ['Graph error 130429', 'code-130429-once', '+4915400000006'],
  ] as const)('%s on the first attempt: retried, and one message is delivered', async (_what, behaviour, from) => {
    graph.behave(from, behaviour);
    await inbound(from, 'price?', `wamid.${behaviour}`);
    const reply = await settledReply(platform.databaseUrl, (await inboundRow(`wamid.${behaviour}`)).id);
    expect(reply).toMatchObject({ status: 'SENT', send_attempts: 2 });
    // Two requests reached Meta: the refused one and the one it took.
    expect(graph.sends(from)).toHaveLength(2);
  });

  it('a number not on WhatsApp (131026) fails the reply with Meta\'s code and reason, once', async () => {
    const from = '+4915400000007';
    graph.behave(from, 'refuse');
    await inbound(from, 'price?', 'wamid.refuse');
    const reply = await settledReply(platform.databaseUrl, (await inboundRow('wamid.refuse')).id);
    expect(reply).toMatchObject({ status: 'FAILED', failure_reason: 'Graph API error 131026: Message undeliverable' });
    expect(graph.sends(from)).toHaveLength(1);
  });

  it('syncs the business account\'s templates over every page and lists them', async () => {
    graph.setTemplates(WABA, [
      { name: 'order_ready', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready' }] },
      { name: 'order_ready', language: 'de', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hallo {{1}}, Bestellung {{2}} ist fertig' }] },
      { name: 'promo', language: 'en_US', status: 'REJECTED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }] },
    ]);
    const { syncTemplates } = await gqlOk(platform.url, `mutation($c: ID!) { syncTemplates(channelId: $c) { name language status category body variables } }`, { c: channelId }, shop.token);
    expect(syncTemplates).toEqual([
      { name: 'order_ready', language: 'de', status: 'APPROVED', category: 'UTILITY', body: 'Hallo {{1}}, Bestellung {{2}} ist fertig', variables: 2 },
      { name: 'order_ready', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, order {{2}} is ready', variables: 2 },
      { name: 'promo', language: 'en_US', status: 'REJECTED', category: 'MARKETING', body: 'Sale!', variables: 0 },
    ]);
    expect(graph.requests.filter((r) => r.path === `/v23.0/${WABA}/message_templates`)).toHaveLength(2);
    // Meta withdrew one: the next sync removes it.
    graph.setTemplates(WABA, [{ name: 'promo', language: 'en_US', status: 'APPROVED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }] }]);
    await gqlOk(platform.url, `mutation($c: ID!) { syncTemplates(channelId: $c) { id } }`, { c: channelId }, shop.token);
    const { templates } = await gqlOk(platform.url, `query($c: ID!) { templates(channelId: $c) { name status } }`, { c: channelId }, shop.token);
    expect(templates).toEqual([{ name: 'promo', status: 'APPROVED' }]);
  });

  it('another workspace can neither list nor sync the channel\'s templates', async () => {
    const other = await createWorkspace(platform.url);
    const { templates } = await gqlOk(platform.url, `query($c: ID!) { templates(channelId: $c) { name } }`, { c: channelId }, other.token);
    expect(templates).toEqual([]);
    const sync = await gql(platform.url, `mutation($c: ID!) { syncTemplates(channelId: $c) { id } }`, { c: channelId }, other.token);
    expect(sync.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('outside the 24-hour window an agent\'s text fails with the reason and never reaches the Graph API', async () => {
    const from = '+4915400000008';
    await inbound(from, 'hello', 'wamid.window');
    const stored = await inboundRow('wamid.window');
    const CONVERSATION = `query($id: ID!) { conversation(id: $id) { windowExpiresAt } }`;
    const open = (await gqlOk(platform.url, CONVERSATION, { id: stored.conversation_id }, shop.token)).conversation.windowExpiresAt;
    expect(new Date(open).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // The customer's message is now 25 hours old.
    await query(platform.databaseUrl, `update messages set created_at = now() - interval '25 hours' where id = $1`, [stored.id]);
    const closed = (await gqlOk(platform.url, CONVERSATION, { id: stored.conversation_id }, shop.token)).conversation.windowExpiresAt;
    expect(new Date(closed).getTime()).toBeLessThan(Date.now());
    const before = graph.sends(from).length;
    const { sendMessage } = await gqlOk(platform.url, `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, { i: { conversationId: stored.conversation_id, text: 'Are you still there?' } }, shop.token);
    const row = await waitFor('the agent message to settle', async () => {
      const [m] = await query(platform.databaseUrl, 'select status, failure_reason from messages where id = $1', [sendMessage.id]);
      return m && !['PENDING', 'SENDING'].includes(m.status) && m;
    });
    expect(row).toEqual({ status: 'FAILED', failure_reason: OUTSIDE_WINDOW_REASON });
    expect(graph.sends(from)).toHaveLength(before);
  });

  it('sendTestMessage sends through the channel and records it in the number\'s conversation; a number that never wrote gets the window\'s reason', async () => {
    const SEND_TEST = `mutation($i: SendTestMessageInput!) { sendTestMessage(input: $i) { id conversationId text status } }`;
    const settled = (id: string) =>
      waitFor('the test message to settle', async () => {
        const [m] = await query(platform.databaseUrl, 'select status, failure_reason from messages where id = $1', [id]);
        return m && !['PENDING', 'SENDING'].includes(m.status) && m;
      });
    const known = '+4915400000009';
    await inbound(known, 'hi', 'wamid.test-message');
    const stored = await inboundRow('wamid.test-message');
    const { sendTestMessage } = await gqlOk(platform.url, SEND_TEST, { i: { channelId, to: known, text: 'Test from Parley' } }, shop.token);
    expect(sendTestMessage).toMatchObject({ conversationId: stored.conversation_id, text: 'Test from Parley' });
    expect(await settled(sendTestMessage.id)).toMatchObject({ status: 'SENT' });
    expect(graph.sends(known).map((r) => r.body.text?.body)).toContain('Test from Parley');

    const stranger = '+4915400000010';
    const { sendTestMessage: cold } = await gqlOk(platform.url, SEND_TEST, { i: { channelId, to: stranger, text: 'Hello?' } }, shop.token);
    expect(await settled(cold.id)).toEqual({ status: 'FAILED', failure_reason: OUTSIDE_WINDOW_REASON });
    expect(graph.sends(stranger)).toEqual([]);

    const bad = await gql(platform.url, SEND_TEST, { i: { channelId, to: '12', text: 'x' } }, shop.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('statuses from Meta move the reply to DELIVERED and READ, and a failed one to FAILED with Meta\'s code and reason', async () => {
    const status = (externalId: string, to: string, value: string, errors?: unknown[]) =>
      postWebhook(platform.url, channelId, statusWebhook({ phoneNumberId: PHONE_NUMBER_ID, externalId, status: value, to, errors }), APP_SECRET);
    const row = (id: string) => query(platform.databaseUrl, 'select status, failure_code, failure_reason, delivered_at is not null as delivered, read_at is not null as read from messages where id = $1', [id]).then((r) => r[0]);
    const from = '+4915400000011';
    await inbound(from, 'price?', 'wamid.status-1');
    const reply = await settledReply(platform.databaseUrl, (await inboundRow('wamid.status-1')).id);
    expect((await status(reply.external_id!, from, 'delivered')).status).toBe(200);
    await waitFor('DELIVERED', async () => (await row(reply.id)).status === 'DELIVERED');
    expect((await status(reply.external_id!, from, 'read')).status).toBe(200);
    await waitFor('READ', async () => (await row(reply.id)).status === 'READ');
    // A late "delivered" never moves it back.
    await status(reply.external_id!, from, 'delivered');
    expect(await row(reply.id)).toMatchObject({ status: 'READ', delivered: true, read: true });

    const other = '+4915400000012';
    await inbound(other, 'price?', 'wamid.status-2');
    const failed = await settledReply(platform.databaseUrl, (await inboundRow('wamid.status-2')).id);
    await status(failed.external_id!, other, 'failed', [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', error_data: { details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' } }]);
    await waitFor('FAILED', async () => (await row(failed.id)).status === 'FAILED');
    expect(await row(failed.id)).toMatchObject({
      failure_code: '131049',
      failure_reason: 'This message was not delivered to maintain healthy ecosystem engagement.: In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    });
  });

  it('an image with a caption is stored as an IMAGE with its media reference, and its caption gets the keyword reply', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'cloud-api', 'meta-image-with-caption.json'));
    const body = JSON.parse(bytes.toString('utf8'));
    const message = body.entry[0].changes[0].value.messages[0];
    message.from = '4915400000013';
    message.id = 'wamid.image-price';
    message.image.caption = 'what is the price of this one?';
    body.entry[0].changes[0].value.contacts[0].wa_id = '4915400000013';
    expect((await postWebhook(platform.url, channelId, JSON.stringify(body), APP_SECRET)).status).toBe(200);
    const stored = await waitFor('the image stored', async () => (await query(platform.databaseUrl, `select id, type, text, media from messages where external_id = 'wamid.image-price'`))[0]);
    expect(stored).toMatchObject({ type: 'IMAGE', text: 'what is the price of this one?', media: expect.objectContaining({ id: '1003383421387256', mimeType: 'image/jpeg' }) });
    expect((await settledReply(platform.databaseUrl, stored.id)).status).toBe('SENT');
    expect(graph.sends('+4915400000013').map((r) => r.body.text?.body)).toEqual([PRICE_REPLY]);
  });

  it('downloads an inbound image from the Graph API with the channel\'s token (media id → URL → bytes) and stores it', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\u0000'), Buffer.alloc(200, 7)]);
    graph.addMedia('9990001', jpeg, 'image/jpeg');
    const body = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cloud-api', 'meta-image-with-caption.json'), 'utf8'));
    const message = body.entry[0].changes[0].value.messages[0];
    Object.assign(message, { from: '4915400000015', id: 'wamid.image-download' });
    message.image = { id: '9990001', mime_type: 'image/jpeg', sha256: 'x', caption: 'my receipt' };
    body.entry[0].changes[0].value.contacts[0].wa_id = '4915400000015';
    expect((await postWebhook(platform.url, channelId, JSON.stringify(body), APP_SECRET)).status).toBe(200);
    const media = await waitFor('the image stored', async () => {
      const [row] = await query(platform.databaseUrl, `select media from messages where external_id = 'wamid.image-download'`);
      return row?.media?.blobKey && row.media;
    });
    expect(media).toMatchObject({ id: '9990001', mimeType: 'image/jpeg', size: jpeg.length });
    const fetched = graph.requests.filter((r) => r.path === '/v23.0/9990001' || r.path === '/media-files/9990001');
    expect(fetched.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['GET', '/v23.0/9990001', `Bearer ${TOKEN}`],
      ['GET', '/media-files/9990001', `Bearer ${TOKEN}`],
    ]);
  });

  it('sendTemplate sends an APPROVED template outside the window, and refuses a missing, unapproved or wrongly filled one by field', async () => {
    graph.setTemplates(WABA, [
      { name: 'order_ready', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready' }] },
      { name: 'promo', language: 'en_US', status: 'PAUSED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }] },
    ]);
    await gqlOk(platform.url, `mutation($c: ID!) { syncTemplates(channelId: $c) { id } }`, { c: channelId }, shop.token);
    const from = '+4915400000014';
    await inbound(from, 'hello', 'wamid.template');
    const stored = await inboundRow('wamid.template');
    // The bot answers "hello" (inside the window) first: only then is the window moved into the past.
    await settledReply(platform.databaseUrl, stored.id);
    const greeted = graph.sends(from).length;
    await query(platform.databaseUrl, `update messages set created_at = now() - interval '2 days' where id = $1`, [stored.id]);
    const SEND_TEMPLATE = `mutation($i: SendTemplateInput!) { sendTemplate(input: $i) { id text status } }`;
    const refused = async (i: object) => (await gql(platform.url, SEND_TEMPLATE, { i: { conversationId: stored.conversation_id, ...i } }, shop.token)).errors?.[0];
    expect(await refused({ name: 'nope', language: 'en_US', variables: [] })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'name' } });
    expect(await refused({ name: 'promo', language: 'en_US' })).toMatchObject({ message: 'name: the template is PAUSED; only APPROVED templates can be sent', extensions: { field: 'name' } });
    expect(await refused({ name: 'order_ready', language: 'en_US', variables: ['Ana'] })).toMatchObject({ message: 'variables: the template takes 2 values, 1 given', extensions: { field: 'variables' } });
    expect(await refused({ name: 'order_ready', language: 'de', variables: ['Ana', '#42'] })).toMatchObject({ extensions: { field: 'name' } });
    expect(graph.sends(from)).toHaveLength(greeted);

    const { sendTemplate } = await gqlOk(platform.url, SEND_TEMPLATE, { i: { conversationId: stored.conversation_id, name: 'order_ready', language: 'en_US', variables: ['Ana', '#42'] } }, shop.token);
    expect(sendTemplate.text).toBe('Hi Ana, order #42 is ready');
    await waitFor('the template SENT', async () => (await query(platform.databaseUrl, 'select status from messages where id = $1', [sendTemplate.id]))[0].status === 'SENT');
    expect(graph.sends(from).slice(greeted).map((r) => r.body)).toEqual([{
      messaging_product: 'whatsapp', recipient_type: 'individual', to: '4915400000014', type: 'template',
      template: { name: 'order_ready', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#42' }] }] },
    }]);
  });

  it('keeps to the channel\'s rate: over it a send waits (not accepted, retried), nothing is sent twice and nothing reaches Meta early', async () => {
    graph.addPhoneNumber('5550099', TOKEN);
    const { createChannel: slow } = await gqlOk(platform.url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id status } }`, {
      i: { kind: 'CLOUD_API', name: 'Slow', credentials: credentials({ phoneNumberId: '5550099' }), cloudApi: { ratePerSecond: 1 } },
    }, shop.token);
    expect(slow.status).toBe('CONNECTED');
    const customers = ['+4915400000021', '+4915400000022', '+4915400000023'];
    await Promise.all(customers.map((from, i) => postWebhook(platform.url, slow.id, textWebhook({ phoneNumberId: '5550099', from, text: 'price?', id: `wamid.slow-${i}` }), APP_SECRET)));
    const replies = await Promise.all(customers.map(async (_from, i) => settledReply(platform.databaseUrl, (await inboundRow(`wamid.slow-${i}`)).id)));
    expect(replies.map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
    expect(Math.max(...replies.map((r) => r.send_attempts))).toBeGreaterThan(1);
    const sends = customers.map((from) => graph.sends(from));
    expect(sends.map((s) => s.length)).toEqual([1, 1, 1]);
    const times = sends.map((s) => s[0].at).sort((a, b) => a - b);
    // One a second: the three cannot all fall in one second.
    expect(times[2] - times[0]).toBeGreaterThanOrEqual(1000);

    const wrongKind = await gql(platform.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "x", cloudApi: { ratePerSecond: 5 } }) { id } }`, {}, shop.token);
    expect(wrongKind.errors?.[0]).toMatchObject({ message: 'cloudApi: is only for CLOUD_API channels', extensions: { code: 'BAD_USER_INPUT', field: 'cloudApi' } });
  });
});
