/**
 * The conversation spine end to end: GraphQL → ingress → Postgres → Temporal conversation
 * workflow → send activity on the channel's task queue → simulator → GraphQL, all real; and who
 * may work the inbox (an agent's take over is a command to the workflow).
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';
import { createWorkspace, freePort, gql, gqlOk, query, startPlatform, subscribe, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { CONTINUE_AS_NEW_EVENTS, TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { inboundSignal, stateQuery, type ConversationState } from '../../workflows/conversation.workflow';

const PRICE_REPLY = 'Our prices start at 10 EUR';
const DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";

let platform: PlatformProcess;
let metricsAddress: string;
let shop: TestWorkspace;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  metricsAddress = `127.0.0.1:${await freePort()}`;
  platform = await startPlatform({ env: { METRICS_BIND_ADDRESS: metricsAddress } });
  shop = await createWorkspace(platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: PRICE_REPLY }]);
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) await recordHistories(temporal, 'conversation');
  await connection?.close();
  await platform?.stop();
});

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code);

const THREAD = `query($id: ID!) { conversation(id: $id) { id mode unreadCount workflowId temporalUrl contact { phone }
  messages { id direction senderType text status createdAt } } }`;

async function inbound(from: string, text: string, messageId?: string, ws = shop) {
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId direction senderType status text } }`,
    { i: { channelId: ws.channelId, from, text, messageId } },
    ws.token,
  );
  return simulateInbound as { id: string; conversationId: string; direction: string; senderType: string; status: string; text: string };
}

async function thread(conversationId: string, ws = shop) {
  const { conversation } = await gqlOk(platform.url, THREAD, { id: conversationId }, ws.token);
  return conversation as { mode: string; unreadCount: number; workflowId: string; temporalUrl: string; messages: { direction: string; senderType: string; text: string; status: string }[] };
}

/** No longer waiting on the channel. */
const settled = (m: { status: string }) => m.status !== 'PENDING' && m.status !== 'SENDING';

async function waitForMessages(conversationId: string, count: number) {
  return waitFor(`${count} messages`, async () => {
    const t = await thread(conversationId);
    return t.messages.length >= count && t.messages.every(settled) && t;
  });
}

/**
 * The thread once the reply to `message` is settled. A conversation's workflow handles its events
 * in order, so by then every reply it would ever send to an earlier message (a duplicate, a
 * blocked contact, human mode) has been sent too: the barrier that shows nothing else happened.
 */
async function afterReplyTo(message: { id: string; conversationId: string }, ws = shop) {
  await waitFor('the reply', async () => (await repliesTo(message.id)).some(settled));
  return thread(message.conversationId, ws);
}

function repliesTo(messageId: string) {
  return query<{ status: string; text: string }>(platform.databaseUrl, 'select status, text from messages where reply_to_id = $1', [messageId]);
}

/** The workflow's state once it has nothing in flight (no activity, no workflow task): what it has handled is final. */
async function idleState(handle: WorkflowHandle): Promise<ConversationState> {
  await waitFor('the workflow to be idle', async () => {
    const { raw } = await handle.describe();
    return !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0;
  });
  return handle.query(stateQuery);
}

it('answers an inbound message with the keyword reply, recorded OUTBOUND from the BOT and SENT', async () => {
  const message = await inbound('+4915100000001', 'Hi, what is the price?');
  expect(message).toMatchObject({ direction: 'INBOUND', senderType: 'CONTACT', text: 'Hi, what is the price?' });

  const t = await waitForMessages(message.conversationId, 2);
  expect(t.messages.map((m) => [m.direction, m.senderType, m.text, m.status])).toEqual([
    ['INBOUND', 'CONTACT', 'Hi, what is the price?', 'DELIVERED'],
    ['OUTBOUND', 'BOT', PRICE_REPLY, 'SENT'],
  ]);
  // Named by the conversation's row, never the phone number (Temporal's Web UI lists workflow ids).
  expect(t.workflowId).toBe(`conversation:${shop.channelId}:${message.conversationId}`);
  expect(t.temporalUrl).toContain(encodeURIComponent(t.workflowId));

  const delivered = await query(platform.databaseUrl, 'select to_phone, text from simulator_deliveries where channel_id = $1 and to_phone = $2', [shop.channelId, '+4915100000001']);
  expect(delivered).toEqual([{ to_phone: '+4915100000001', text: PRICE_REPLY }]);
});

it('falls back to the workspace default reply when no rule matches', async () => {
  const message = await inbound('+4915100000002', 'Good morning');
  const t = await waitForMessages(message.conversationId, 2);
  expect(t.messages[1]).toMatchObject({ senderType: 'BOT', text: DEFAULT_REPLY, status: 'SENT' });
});

it('marks a send the channel refuses FAILED with the reason, without retrying it', async () => {
  const message = await inbound('+9990000001', 'price?');
  const t = await waitForMessages(message.conversationId, 2);
  expect(t.messages[1]).toMatchObject({ senderType: 'BOT', text: PRICE_REPLY, status: 'FAILED' });
  const [row] = await query(platform.databaseUrl, 'select failure_reason from messages where reply_to_id = $1', [message.id]);
  expect(row.failure_reason).toBe('+9990000001 is not on WhatsApp');
  // The wire refused the one attempt it got, and it was not tried again.
  const wire = await query(platform.databaseUrl, `select outcome from simulator_deliveries where to_phone = '+9990000001'`);
  expect(wire).toEqual([{ outcome: 'REFUSED' }]);
});

it('stores a WhatsApp message delivered twice once, and replies once', async () => {
  const first = await inbound('+4915100000003', 'price please', 'wamid.DUPLICATE-1');
  const again = await inbound('+4915100000003', 'price please', 'wamid.DUPLICATE-1');
  expect(again.id).toBe(first.id);
  await afterReplyTo(first);
  const next = await inbound('+4915100000003', 'and shipping?');
  const t = await afterReplyTo(next);
  expect(t.messages.map((m) => [m.senderType, m.text])).toEqual([
    ['CONTACT', 'price please'], ['BOT', PRICE_REPLY], ['CONTACT', 'and shipping?'], ['BOT', DEFAULT_REPLY],
  ]);
  expect(t.unreadCount).toBe(2);
});

it('keeps the bot silent after take over, delivers the agent, and answers again after release', async () => {
  const first = await inbound('+4915100000004', 'price?');
  const id = first.conversationId;
  await waitForMessages(id, 2);

  const { takeOver } = await gqlOk(platform.url, `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`, { id }, shop.token);
  expect(takeOver.mode).toBe('HUMAN');

  const whileHuman = await inbound('+4915100000004', 'what is the price again?');
  const { sendMessage } = await gqlOk(
    platform.url,
    `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id direction senderType status text } }`,
    { i: { conversationId: id, text: 'Hi, Anna here. It is 10 EUR.' } },
    shop.token,
  );
  expect(sendMessage).toMatchObject({ direction: 'OUTBOUND', senderType: 'HUMAN', text: 'Hi, Anna here. It is 10 EUR.' });

  const taken = await waitFor('the agent message to be sent', async () => {
    const t = await thread(id);
    return t.messages.some((m) => m.senderType === 'HUMAN' && m.status === 'SENT') && t;
  });
  expect(taken.mode).toBe('HUMAN');

  const { release } = await gqlOk(platform.url, `mutation($id: ID!) { release(conversationId: $id) { mode } }`, { id }, shop.token);
  expect(release.mode).toBe('BOT');
  const afterRelease = await inbound('+4915100000004', 'and the price for two?');
  const after = await afterReplyTo(afterRelease);
  expect(after.messages.map((m) => m.senderType)).toEqual(['CONTACT', 'BOT', 'CONTACT', 'HUMAN', 'CONTACT', 'BOT']);
  expect(after.messages[5].text).toBe(PRICE_REPLY);
  expect(await repliesTo(whileHuman.id)).toEqual([]);
  const wire = await query(platform.databaseUrl, 'select text from simulator_deliveries where to_phone = $1 order by delivered_at', ['+4915100000004']);
  expect(wire.map((w) => w.text)).toEqual([PRICE_REPLY, 'Hi, Anna here. It is 10 EUR.', PRICE_REPLY]);
});

it('uses a keyword rule created while the conversation is running, and in conversations that start after it', async () => {
  const first = await inbound('+4915100000005', 'hello');
  await waitForMessages(first.conversationId, 2);
  await gqlOk(
    platform.url,
    `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`,
    { i: { keywords: ['refund'], matchType: 'CONTAINS', reply: 'Refunds take 3 days.', priority: 1 } },
    shop.token,
  );
  await inbound('+4915100000005', 'I want a refund');
  const t = await waitForMessages(first.conversationId, 4);
  expect(t.messages[3].text).toBe('Refunds take 3 days.');
  // A new conversation's workflow gets its rules from the ingress, which had read them before the change.
  const fresh = await inbound('+4915100000016', 'refund please');
  expect((await waitForMessages(fresh.conversationId, 2)).messages[1].text).toBe('Refunds take 3 days.');
});

it("keeps a blocked contact's messages but never answers them, until unblocked", async () => {
  const from = '+4915100000031';
  const first = await inbound(from, 'price?');
  await waitForMessages(first.conversationId, 2);
  const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { contact { id blocked } } }`, { id: first.conversationId }, shop.token);
  const contactId = conversation.contact.id;

  const rival = await createWorkspace(platform.url);
  const hijack = await gql(platform.url, `mutation($id: ID!) { blockContact(contactId: $id) { blocked } }`, { id: contactId }, rival.token);
  expect(hijack.errors?.[0].extensions?.code).toBe('NOT_FOUND');

  const { blockContact } = await gqlOk(platform.url, `mutation($id: ID!) { blockContact(contactId: $id) { id blocked } }`, { id: contactId }, shop.token);
  expect(blockContact).toEqual({ id: contactId, blocked: true });
  const ignored = await inbound(from, 'price please');

  await gqlOk(platform.url, `mutation($id: ID!) { unblockContact(contactId: $id) { blocked } }`, { id: contactId }, shop.token);
  const last = await inbound(from, 'price now?');
  const answered = await afterReplyTo(last);
  expect(answered.messages.map((m) => [m.senderType, m.text])).toEqual([
    ['CONTACT', 'price?'], ['BOT', PRICE_REPLY], ['CONTACT', 'price please'], ['CONTACT', 'price now?'], ['BOT', PRICE_REPLY],
  ]);
  expect(await repliesTo(ignored.id)).toEqual([]);
});

it('lists conversations newest first with cursor pagination, scoped to the workspace', async () => {
  const ws = await createWorkspace(platform.url);
  const phoneOf = (n: number) => `+49170000000${n}`;
  for (const n of [1, 2, 3, 4, 5]) {
    // One conversation at a time, reply included, so their last activity is in this order.
    const m = await inbound(phoneOf(n), `hello ${n}`, undefined, ws);
    await waitFor('the reply', async () => (await thread(m.conversationId, ws)).messages.length === 2);
  }
  const page = `query($after: String, $first: Int) { conversations(first: $first, after: $after) {
    edges { cursor node { contact { phone } } } pageInfo { hasNextPage endCursor } } }`;
  const first = (await gqlOk(platform.url, page, { first: 2 }, ws.token)).conversations;
  expect(first.edges.map((e: any) => e.node.contact.phone)).toEqual([phoneOf(5), phoneOf(4)]);
  expect(first.pageInfo.hasNextPage).toBe(true);
  const rest = (await gqlOk(platform.url, page, { first: 10, after: first.pageInfo.endCursor }, ws.token)).conversations;
  expect(rest.edges.map((e: any) => e.node.contact.phone)).toEqual([phoneOf(3), phoneOf(2), phoneOf(1)]);
  expect(rest.pageInfo.hasNextPage).toBe(false);
});

it('pages through conversations whose last activity falls in the same millisecond without skipping one', async () => {
  const ws = await createWorkspace(platform.url);
  const phones = ['+4917100000011', '+4917100000012', '+4917100000013'];
  const ids: string[] = [];
  for (const phone of phones) {
    const m = await inbound(phone, 'hi', undefined, ws);
    await waitFor('the reply', async () => (await thread(m.conversationId, ws)).messages.length === 2);
    ids.push(m.conversationId);
  }
  // Postgres keeps microseconds; a JS Date keeps milliseconds: three conversations one millisecond apart at most.
  for (const [i, id] of ids.entries()) {
    await query(platform.databaseUrl, `update conversations set last_message_at = $1 where id = $2`, [`2030-01-01T00:00:00.1233${i}0Z`, id]);
  }
  const page = `query($after: String) { conversations(first: 1, after: $after) { edges { node { contact { phone } } } pageInfo { hasNextPage endCursor } } }`;
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 3; i++) {
    const { conversations }: any = await gqlOk(platform.url, page, { after }, ws.token);
    seen.push(conversations.edges[0].node.contact.phone);
    after = conversations.pageInfo.endCursor;
  }
  expect(seen).toEqual([...phones].reverse());
});

describe('roles in the inbox', () => {
  it('lets an owner add an agent and a viewer, and forbids them what their role does not allow', async () => {
    // A workspace of its own: its member list is exactly who this test adds.
    const ws = await createWorkspace(platform.url);
    const add = `mutation($i: AddMemberInput!) { addMember(input: $i) { role user { email } } }`;
    const stamp = Date.now();
    const agentEmail = `agent-${stamp}@example.com`;
    const viewerEmail = `viewer-${stamp}@example.com`;
    await gqlOk(platform.url, add, { i: { email: agentEmail, name: 'Agent', password: 'agent password', role: 'AGENT' } }, ws.token);
    await gqlOk(platform.url, add, { i: { email: viewerEmail, name: 'Viewer', password: 'viewer password', role: 'VIEWER' } }, ws.token);
    const signIn = async (email: string, password: string) =>
      (await gqlOk(platform.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email, password } })).signIn.accessToken;
    const agent = await signIn(agentEmail, 'agent password');
    const viewer = await signIn(viewerEmail, 'viewer password');

    const rule = `mutation { createKeywordRule(input: { keywords: ["x"], matchType: EXACT, reply: "y" }) { id } }`;
    expect(codes(await gql(platform.url, rule, {}, agent))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(platform.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "z" }) { id } }`, {}, agent))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(platform.url, add, { i: { email: `x-${stamp}@example.com`, name: 'X', password: 'x password', role: 'AGENT' } }, agent))).toEqual(['FORBIDDEN']);

    // An agent works the inbox; a viewer only reads it.
    const simulate = `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { conversationId } }`;
    const { simulateInbound } = await gqlOk(platform.url, simulate, { i: { channelId: ws.channelId, from: '+4915100000095', text: 'hello' } }, agent);
    const id = simulateInbound.conversationId;
    expect((await gqlOk(platform.url, `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`, { id }, agent)).takeOver.mode).toBe('HUMAN');
    expect(codes(await gql(platform.url, `mutation($id: ID!) { release(conversationId: $id) { mode } }`, { id }, viewer))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(platform.url, `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, { i: { conversationId: id, text: 'hi' } }, viewer))).toEqual(['FORBIDDEN']);
    expect((await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { mode } }`, { id }, viewer)).conversation.mode).toBe('HUMAN');
    const members = (await gqlOk(platform.url, '{ members { role user { email } } }', {}, viewer)).members;
    expect(members.map((m: any) => m.role)).toEqual(['OWNER', 'AGENT', 'VIEWER']);
  });
});

describe('bot settings', () => {
  const update = `mutation($i: UpdateBotSettingsInput!) { updateBotSettings(input: $i) {
    defaultReply awayMessage timeZone businessHours { weekday open close } humanSlaSeconds slaFallbackMessage } }`;

  it('reminds agents (live) and tells the customer when nobody answers in human mode, until an agent replies', async () => {
    const ws = await createWorkspace(platform.url);
    const rival = await createWorkspace(platform.url);
    const CHANGES = `subscription { conversationUpdated { id mode slaBreachedAt } }`;
    const live = subscribe<{ conversationUpdated: { id: string; mode: string; slaBreachedAt: string | null } }>(platform.url, CHANGES, {}, ws.token);
    const elsewhere = subscribe(platform.url, CHANGES, {}, rival.token);
    await Promise.all([live.ready, elsewhere.ready]);
    await gqlOk(platform.url, update, { i: { humanSlaSeconds: 2, slaFallbackMessage: 'Sorry for the wait, an agent is on the way.' } }, ws.token);
    const first = await inbound('+4915200000001', 'hello', undefined, ws);
    const id = first.conversationId;
    await waitFor('the default reply', async () => (await thread(id, ws)).messages.length === 2);
    await gqlOk(platform.url, `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`, { id }, ws.token);
    const waiting = await inbound('+4915200000001', 'anyone there?', undefined, ws);

    const reminded = await waitFor('the SLA fallback', async () => {
      const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { slaBreachedAt messages { senderType text status } } }`, { id }, ws.token);
      return conversation.messages.length === 4 && conversation.messages[3].status === 'SENT' && conversation;
    }, 20_000);
    expect(reminded.messages[3]).toEqual({ senderType: 'BOT', text: 'Sorry for the wait, an agent is on the way.', status: 'SENT' });
    expect(reminded.slaBreachedAt).not.toBeNull();
    const [fallback] = await query(platform.databaseUrl, `select reply_to_id from messages where idempotency_key like 'sla:%' and conversation_id = $1`, [id]);
    expect(fallback.reply_to_id).toBe(waiting.id);

    // The inbox heard of the take over and of the breach as they happened, with no reload.
    const changes = () => live.events.map((e) => e.conversationUpdated).filter((c) => c.id === id);
    await waitFor('the live breach', async () => changes().some((c) => c.slaBreachedAt !== null));
    expect(changes()[0]).toEqual({ id, mode: 'HUMAN', slaBreachedAt: null });

    await gqlOk(platform.url, `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, { i: { conversationId: id, text: 'Here now!' } }, ws.token);
    const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { slaBreachedAt } }`, { id }, ws.token);
    expect(conversation.slaBreachedAt).toBeNull();
    await waitFor('the live all-clear', async () => changes().at(-1)!.slaBreachedAt === null);
    live.close();
    elsewhere.close();
    expect(elsewhere.events).toEqual([]);
    // The clock stopped with the agent's reply: once the workflow has sent it, no SLA timer is left to fire a second fallback.
    const sent = await waitFor('the agent reply sent', async () => {
      const t = await thread(id, ws);
      return t.messages.length === 5 && t.messages.every(settled) && t;
    });
    expect(sent.messages.map((m) => m.senderType)).toEqual(['CONTACT', 'BOT', 'CONTACT', 'BOT', 'HUMAN']);
    expect((await idleState(temporal.workflow.getHandle(sent.workflowId))).sla).toBeNull();
  });

  it('answers a running conversation with the settings changed since it started', async () => {
    const ws = await createWorkspace(platform.url);
    const first = await inbound('+4915200000021', 'hello', undefined, ws);
    await waitFor('the first reply', async () => (await thread(first.conversationId, ws)).messages.length === 2);
    await gqlOk(platform.url, update, { i: { defaultReply: 'We moved! Find us at the new shop.' } }, ws.token);
    await inbound('+4915200000021', 'hello again', undefined, ws);
    const t = await waitFor('the second reply', async () => {
      const current = await thread(first.conversationId, ws);
      return current.messages.length === 4 && current;
    });
    expect(t.messages[3].text).toBe('We moved! Find us at the new shop.');
    expect(t.messages[1].text).not.toBe(t.messages[3].text);
  });

  it('answers with the away message outside business hours, in the configured time zone', async () => {
    const ws = await createWorkspace(platform.url);
    const closedDay = (new Date().getUTCDay() + 3) % 7;
    const { updateBotSettings } = await gqlOk(
      platform.url,
      update,
      { i: { awayMessage: 'We are closed, back tomorrow at 9.', timeZone: 'Europe/Berlin', businessHours: [{ weekday: closedDay, open: '09:00', close: '17:00' }] } },
      ws.token,
    );
    expect(updateBotSettings).toMatchObject({ timeZone: 'Europe/Berlin', businessHours: [{ weekday: closedDay, open: '09:00', close: '17:00' }] });
    expect(updateBotSettings.defaultReply).toBe("Thanks for your message! We'll get back to you shortly.");
    const m = await inbound('+4915200000002', 'hello?', undefined, ws);
    const t = await waitFor('the away message', async () => {
      const th = await thread(m.conversationId, ws);
      return th.messages.length === 2 && th;
    });
    expect(t.messages[1].text).toBe('We are closed, back tomorrow at 9.');
  });

  it('keeps every one of several partial updates saved at the same moment (each writes only its own fields)', async () => {
    const ws = await createWorkspace(platform.url);
    for (let round = 1; round <= 8; round++) {
      const saved = await Promise.all([
        gqlOk(platform.url, update, { i: { awayMessage: `away ${round}` } }, ws.token),
        gqlOk(platform.url, update, { i: { slaFallbackMessage: `fallback ${round}` } }, ws.token),
        gqlOk(platform.url, update, { i: { humanSlaSeconds: 60 + round } }, ws.token),
        gqlOk(platform.url, update, { i: { businessHours: [{ weekday: round % 7, open: '09:00', close: '17:00' }] } }, ws.token),
      ]);
      expect(saved.map((s) => s.updateBotSettings)).toEqual([
        expect.objectContaining({ awayMessage: `away ${round}` }),
        expect.objectContaining({ slaFallbackMessage: `fallback ${round}` }),
        expect.objectContaining({ humanSlaSeconds: 60 + round }),
        expect.objectContaining({ businessHours: [{ weekday: round % 7, open: '09:00', close: '17:00' }] }),
      ]);
      const { botSettings } = await gqlOk(platform.url, `{ botSettings { defaultReply awayMessage timeZone businessHours { weekday open close } humanSlaSeconds slaFallbackMessage } }`, {}, ws.token);
      expect(botSettings).toEqual({
        defaultReply: "Thanks for your message! We'll get back to you shortly.",
        awayMessage: `away ${round}`,
        timeZone: 'UTC',
        businessHours: [{ weekday: round % 7, open: '09:00', close: '17:00' }],
        humanSlaSeconds: 60 + round,
        slaFallbackMessage: `fallback ${round}`,
      });
    }
    // null clears a field, and leaves the others.
    const { updateBotSettings } = await gqlOk(platform.url, update, { i: { awayMessage: null } }, ws.token);
    expect(updateBotSettings).toMatchObject({ awayMessage: null, slaFallbackMessage: 'fallback 8', humanSlaSeconds: 68 });
  });

  it('rejects impossible settings by field, keeping the old ones', async () => {
    const ws = await createWorkspace(platform.url);
    const zone = await gql(platform.url, update, { i: { timeZone: 'Mars/Olympus' } }, ws.token);
    expect(zone.errors![0]).toMatchObject({ message: 'timeZone: is not an IANA time zone like Europe/Berlin', extensions: { code: 'BAD_USER_INPUT' } });
    const hours = await gql(platform.url, update, { i: { businessHours: [{ weekday: 1, open: '18:00', close: '09:00' }] } }, ws.token);
    expect(hours.errors![0].message).toBe('businessHours.0.close: closes before it opens');
    const day = await gql(platform.url, update, { i: { businessHours: [{ weekday: 7, open: '09:00', close: '10:00' }] } }, ws.token);
    expect(day.errors![0].message).toBe('businessHours.0.weekday: must be 0 (Sunday) to 6');
    const { botSettings } = await gqlOk(platform.url, '{ botSettings { timeZone businessHours { weekday } } }', {}, ws.token);
    expect(botSettings).toEqual({ timeZone: 'UTC', businessHours: null });
  });
});

it('continues as new when the server suggests it, carrying mode and dedupe', async () => {
  const from = '+4915100000006';
  const first = await inbound(from, 'price 0', 'wamid.CAN-0');
  const { conversation } = await gqlOk(platform.url, THREAD, { id: first.conversationId }, shop.token);
  // Answered before the take over: a message still waiting when an agent takes over stays the agent's.
  await waitForMessages(first.conversationId, 2);
  await gqlOk(platform.url, `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`, { id: first.conversationId }, shop.token);
  await gqlOk(platform.url, `mutation($id: ID!) { release(conversationId: $id) { mode } }`, { id: first.conversationId }, shop.token);
  // Enough messages to pass the lowered history threshold several times.
  const count = Math.ceil(CONTINUE_AS_NEW_EVENTS / 4);
  for (let i = 1; i <= count; i++) await inbound(from, `price ${i}`, `wamid.CAN-${i}`);
  await waitForMessages(first.conversationId, 2 * (count + 1));

  const handle = temporal.workflow.getHandle(conversation.workflowId);
  const runs: string[] = [];
  for await (const run of temporal.workflow.list({ query: `WorkflowId = '${conversation.workflowId}'` })) runs.push(run.runId);
  expect(runs.length).toBeGreaterThan(1);

  // The ingress never signals a stored id twice, but its outbox may after a crash: the
  // workflow's carried dedupe set must drop a redelivery of the very first message. (A reply to
  // it would reuse its idempotency key and never reach the wire: the workflow's count shows it.)
  const before = await idleState(handle);
  await handle.signal(inboundSignal, { messageId: first.id, externalId: 'wamid.CAN-0', text: 'price 0', contactBlocked: false });
  const next = await inbound(from, 'price again', 'wamid.CAN-next');
  const t = await afterReplyTo(next);
  expect((await idleState(handle)).handled).toBe(before.handled + 1);
  expect(t.messages.filter((m) => m.senderType === 'BOT')).toHaveLength(count + 2);
  expect(t.mode).toBe('BOT');
});

it('serves the workers\' Temporal metrics for Prometheus', async () => {
  const ws = await createWorkspace(platform.url);
  await afterReplyTo(await inbound('+4915100000041', 'hello', undefined, ws), ws);
  // A count above zero for a series with all these labels, in whatever order they are printed.
  const counted = (text: string, metric: string, labels: Record<string, string>) =>
    text.split('\n').some((line) => {
      if (!line.startsWith(`${metric}{`) || Number(line.split(' ').at(-1)) < 1) return false;
      return Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    });
  await waitFor('the send and the workflow task counted', async () => {
    const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    return (
      counted(text, 'temporal_activity_execution_latency_milliseconds_count', { activity_type: 'sendMessages', task_queue: `channel:${ws.channelId}` }) &&
      counted(text, 'temporal_workflow_task_execution_latency_milliseconds_count', { task_queue: 'parley', workflow_type: 'conversationWorkflow' })
    );
  });
});
