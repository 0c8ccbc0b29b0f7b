/**
 * Agent commands are durable: the platform is killed (SIGKILL, at the fault point right after the
 * API recorded a command and before the workflow received it) and restarted; the command then
 * takes effect exactly once, and mode in Postgres equals mode in the workflow.
 */
import { Client, Connection } from '@temporalio/client';
import { createWorkspace, gql, gqlOk, query, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { CONTINUE_AS_NEW_EVENTS, TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { stateQuery } from '../../workflows/conversation.workflow';
import { deliverCommand } from '../../workflows/conversation.client';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';
import { createCloudLikeChannel, settledReply, wireAttempts } from '../../test/support/sends';

const PRICE_REPLY = 'Our prices start at 10 EUR';
const KILL_AFTER_RECORD = { PARLEY_TEST_FAULTS: 'kill-after-command-recorded' };

let platform: PlatformProcess;
let shop: TestWorkspace;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  platform = await startPlatform();
  shop = await createWorkspace(platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: PRICE_REPLY }]);
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) await recordHistories(temporal, 'commands');
  await connection?.close();
  await platform?.stop();
});

const THREAD = `query($id: ID!) { conversation(id: $id) { id mode workflowId slaBreachedAt messages { id direction senderType text status } } }`;
const TAKE_OVER = `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`;
const RELEASE = `mutation($id: ID!) { release(conversationId: $id) { mode } }`;
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id status text } }`;
const RESEND = `mutation($id: ID!) { resendMessage(messageId: $id) { id senderType text status } }`;

interface Thread {
  mode: string;
  workflowId: string;
  slaBreachedAt: string | null;
  messages: { id: string; direction: string; senderType: string; text: string; status: string }[];
}

const inbound = (from: string, text: string, ws = shop) => simulateInbound(platform.url, ws, from, text);

async function thread(conversationId: string, ws = shop): Promise<Thread> {
  return (await gqlOk(platform.url, THREAD, { id: conversationId }, ws.token)).conversation;
}

/** The workflow's own view, through its typed `state` query. */
async function workflowState(workflowId: string) {
  return temporal.workflow.getHandle(workflowId).query(stateQuery);
}

/** A message's send, as its row records it. */
const SEND_OF = 'select status, send_attempts, external_id, idempotency_key, failure_reason from messages where id = $1';

async function commandsOf(conversationId: string) {
  return query<{ id: string; kind: string; message_id: string | null; resend_number: number | null; applied: boolean }>(
    platform.databaseUrl,
    'select id, kind, message_id, resend_number, applied_at is not null as applied from conversation_commands where conversation_id = $1 order by created_at',
    [conversationId],
  );
}

/**
 * Restarts the platform with the fault point on, makes the call that dies at it (the request never
 * gets an answer), checks the process died of SIGKILL, and starts the platform again without it.
 */
async function crashAfterRecording(call: () => Promise<unknown>): Promise<void> {
  await platform.stop();
  platform = await startPlatform({ databaseUrl: platform.databaseUrl, env: KILL_AFTER_RECORD });
  await expect(call()).rejects.toThrow();
  await platform.kill();
  expect(platform.process.signalCode).toBe('SIGKILL');
}

async function restart(): Promise<void> {
  platform = await startPlatform({ databaseUrl: platform.databaseUrl });
}

/** Waits until the workflow has routed (and answered, if it answers) the inbound message with this id. */
async function routed(workflowId: string, handledBefore: number): Promise<void> {
  await waitFor('the workflow to route the message', async () => (await workflowState(workflowId)).handled > handledBefore);
}

async function expectModesAgree(conversationId: string): Promise<string> {
  const t = await thread(conversationId);
  expect((await workflowState(t.workflowId)).mode).toBe(t.mode);
  const [row] = await query(platform.databaseUrl, 'select mode from conversations where id = $1', [conversationId]);
  expect(row.mode).toBe(t.mode);
  return t.mode;
}

describe('a command recorded just before the platform is killed', () => {
  const from = '+4915300000001';
  let conversationId: string;
  let workflowId: string;
  /** The run that applied the take over. */
  let takeOverRun: string;

  it('take over: applied after the restart, and the bot stays silent for the next customer message', async () => {
    ({ conversationId } = await inbound(from, 'price?'));
    const first = await waitFor('the bot reply', async () => {
      const t = await thread(conversationId);
      return t.messages.length === 2 && t.messages[1].status === 'SENT' && t;
    });
    workflowId = first.workflowId;

    await crashAfterRecording(() => gqlOk(platform.url, TAKE_OVER, { id: conversationId }, shop.token));
    // Recorded, not applied: the API never writes the mode itself.
    expect(await commandsOf(conversationId)).toMatchObject([{ kind: 'TAKE_OVER', applied: false }]);
    expect((await query(platform.databaseUrl, 'select mode from conversations where id = $1', [conversationId]))[0].mode).toBe('BOT');

    await restart();
    await waitFor('the outbox to deliver the take over', async () => (await thread(conversationId)).mode === 'HUMAN');
    expect(await commandsOf(conversationId)).toMatchObject([{ kind: 'TAKE_OVER', applied: true }]);
    expect(await expectModesAgree(conversationId)).toBe('HUMAN');
    takeOverRun = (await temporal.workflow.getHandle(workflowId).describe()).runId;

    const before = (await workflowState(workflowId)).handled;
    await inbound(from, 'what is the price again?');
    await routed(workflowId, before);
    expect((await thread(conversationId)).messages.map((m) => m.senderType)).toEqual(['CONTACT', 'BOT', 'CONTACT']);
  });

  it("an agent's reply: sent exactly once after the restart", async () => {
    const text = 'Anna here: it is 10 EUR.';
    await crashAfterRecording(() => gqlOk(platform.url, SEND, { i: { conversationId, text } }, shop.token));
    const recorded = await query(platform.databaseUrl, `select id, status from messages where conversation_id = $1 and sender_type = 'HUMAN'`, [conversationId]);
    expect(recorded).toMatchObject([{ status: 'PENDING' }]);
    expect((await commandsOf(conversationId)).at(-1)).toMatchObject({ kind: 'SEND_MESSAGE', message_id: recorded[0].id, applied: false });

    await restart();
    await waitFor('the agent reply to be sent', async () => (await thread(conversationId)).messages.some((m) => m.text === text && m.status === 'SENT'));
    // A second reply, sent after the first in the conversation's order: the barrier for a late duplicate.
    const { sendMessage } = await gqlOk(platform.url, SEND, { i: { conversationId, text: 'Anything else?' } }, shop.token);
    await waitFor('the second reply to be sent', async () => (await thread(conversationId)).messages.some((m) => m.id === sendMessage.id && m.status === 'SENT'));

    // The wire records every attempt: each reply is exactly one attempt, under one wire id, shown once.
    const wire = await query(platform.databaseUrl, 'select text, wire_id, outcome from simulator_deliveries where to_phone = $1 order by delivered_at', [from]);
    expect(wire.map((w) => [w.text, w.outcome])).toEqual([
      [PRICE_REPLY, 'DELIVERED'],
      [text, 'DELIVERED'],
      ['Anything else?', 'DELIVERED'],
    ]);
    const [reply] = await query(platform.databaseUrl, SEND_OF, [recorded[0].id]);
    expect(reply).toMatchObject({ status: 'SENT', send_attempts: 1, external_id: wire[1].wire_id });
    expect((await thread(conversationId)).messages.map((m) => [m.senderType, m.text])).toEqual([
      ['CONTACT', 'price?'],
      ['BOT', PRICE_REPLY],
      ['CONTACT', 'what is the price again?'],
      ['HUMAN', text],
      ['HUMAN', 'Anything else?'],
    ]);
    expect((await commandsOf(conversationId)).every((c) => c.applied)).toBe(true);
    expect(await expectModesAgree(conversationId)).toBe('HUMAN');
  });

  it('release: the bot answers again after the restart', async () => {
    await crashAfterRecording(() => gqlOk(platform.url, RELEASE, { id: conversationId }, shop.token));
    await restart();
    await waitFor('the outbox to deliver the release', async () => (await thread(conversationId)).mode === 'BOT');
    expect(await expectModesAgree(conversationId)).toBe('BOT');
    await inbound(from, 'and the price for two?');
    const t = await waitFor('the bot to answer again', async () => {
      const current = await thread(conversationId);
      return current.messages.length === 7 && current.messages[6].status === 'SENT' && current;
    });
    expect(t.messages[6]).toMatchObject({ senderType: 'BOT', text: PRICE_REPLY });
  });

  it('a command delivered again (as the outbox may), even to a later run, is applied once: an old take over does not undo the release', async () => {
    // Enough messages to pass the lowered continue-as-new threshold: the applied ids must travel with the state.
    const count = Math.ceil(CONTINUE_AS_NEW_EVENTS / 4);
    for (let i = 1; i <= count; i++) await inbound(from, `price ${i}`);
    await waitFor('the replies', async () => {
      const t = await thread(conversationId);
      return t.messages.length === 7 + 2 * count && t.messages.every((m) => m.status !== 'PENDING');
    });
    expect((await temporal.workflow.getHandle(workflowId).describe()).runId).not.toBe(takeOverRun);
    const takeOver = (await commandsOf(conversationId)).find((c) => c.kind === 'TAKE_OVER')!;
    const [ref] = await query(
      platform.databaseUrl,
      `select c.workspace_id, c.channel_id, c.id as conversation_id, ct.contact_key, c.workflow_id from conversations c join contacts ct on ct.id = c.contact_id where c.id = $1`,
      [conversationId],
    );
    const result = await deliverCommand(
      { temporal, taskQueue: 'parley' },
      ref,
      { id: takeOver.id, kind: 'TAKE_OVER', messageId: null, resendNumber: null },
      10_000,
    );
    expect(result.mode).toBe('BOT');
    expect(await expectModesAgree(conversationId)).toBe('BOT');
  });
});

describe('commands without a crash', () => {
  it('take over and release answer with the mode the workflow wrote, the same in Postgres', async () => {
    const { conversationId } = await inbound('+4915300000002', 'hello');
    await waitFor('the default reply', async () => (await thread(conversationId)).messages.length === 2);
    const { takeOver } = await gqlOk(platform.url, TAKE_OVER, { id: conversationId }, shop.token);
    expect(takeOver.mode).toBe('HUMAN');
    expect(await expectModesAgree(conversationId)).toBe('HUMAN');
    const { release } = await gqlOk(platform.url, RELEASE, { id: conversationId }, shop.token);
    expect(release.mode).toBe('BOT');
    expect(await expectModesAgree(conversationId)).toBe('BOT');
    expect(await commandsOf(conversationId)).toMatchObject([
      { kind: 'TAKE_OVER', applied: true },
      { kind: 'RELEASE', applied: true },
    ]);
  });

  it("a take over of another workspace's conversation is NOT_FOUND and records nothing", async () => {
    const { conversationId } = await inbound('+4915300000003', 'hello');
    const rival = await createWorkspace(platform.url);
    const result = await gql(platform.url, TAKE_OVER, { id: conversationId }, rival.token);
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await commandsOf(conversationId)).toEqual([]);
  });
});

describe('resendMessage', () => {
  it('sends a FAILED message again as a new message under its own key, numbered per resend', async () => {
    const { conversationId } = await inbound('+9990000002', 'price?');
    const failed = await waitFor('the failed reply', async () => {
      const t = await thread(conversationId);
      return t.messages.length === 2 && t.messages[1].status === 'FAILED' && t.messages[1];
    });

    const { resendMessage: copy } = await gqlOk(platform.url, RESEND, { id: failed.id }, shop.token);
    expect(copy).toMatchObject({ senderType: 'BOT', text: PRICE_REPLY });
    expect(copy.id).not.toBe(failed.id);
    const keyOf = async (id: string) => (await query(platform.databaseUrl, SEND_OF, [id]))[0];
    expect((await keyOf(copy.id)).idempotency_key).toBe(`resend:${failed.id}:1`);
    // The simulator refuses this number for good, so the copy fails too, with the channel's reason, after one attempt.
    await waitFor('the copy to be tried', async () => (await thread(conversationId)).messages.find((m) => m.id === copy.id)?.status === 'FAILED');
    expect(await keyOf(copy.id)).toMatchObject({ failure_reason: '+9990000002 is not on WhatsApp', send_attempts: 1 });
    expect((await wireAttempts(platform.databaseUrl, `resend:${failed.id}:1`)).map((w) => w.outcome)).toEqual(['REFUSED']);

    const { resendMessage: again } = await gqlOk(platform.url, RESEND, { id: failed.id }, shop.token);
    expect((await keyOf(again.id)).idempotency_key).toBe(`resend:${failed.id}:2`);
    expect((await commandsOf(conversationId)).map((c) => [c.kind, c.resend_number, c.applied])).toEqual([
      ['RESEND_MESSAGE', 1, true],
      ['RESEND_MESSAGE', 2, true],
    ]);
  });

  it('sends an UNCERTAIN message again through the send states: the copy is one new attempt under its own wire id', async () => {
    // A wire that deduplicates nothing, and a number whose connection drops right after the first attempt of each key.
    const channelId = await createCloudLikeChannel(platform.url, shop.token);
    const inboundId = (await simulateInbound(platform.url, { ...shop, channelId }, '+9991000001', 'price?')).id;
    const uncertain = await settledReply(platform.databaseUrl, inboundId);
    expect(uncertain).toMatchObject({ status: 'UNCERTAIN', send_attempts: 1 });

    const { resendMessage: copy } = await gqlOk(platform.url, RESEND, { id: uncertain.id }, shop.token);
    expect(copy).toMatchObject({ senderType: 'BOT', text: PRICE_REPLY });
    const key = `resend:${uncertain.id}:1`;
    const sent = await waitFor('the copy to be tried', async () => {
      const [row] = await query(platform.databaseUrl, SEND_OF, [copy.id]);
      return !['PENDING', 'SENDING'].includes(row.status) && row;
    });
    // PENDING → SENDING → UNCERTAIN again (the drop hits its first attempt too): tried once, never blindly again.
    expect(sent).toMatchObject({ idempotency_key: key, status: 'UNCERTAIN', send_attempts: 1 });
    const original = await wireAttempts(platform.databaseUrl, uncertain.idempotency_key);
    const resent = await wireAttempts(platform.databaseUrl, key);
    expect(original.map((w) => w.outcome)).toEqual(['DELIVERED']);
    expect(resent.map((w) => w.outcome)).toEqual(['DELIVERED']);
    expect(resent[0].wire_id).not.toBe(original[0].wire_id);
  });

  it('refuses a SENT message with BAD_USER_INPUT, and another workspace\'s message is NOT_FOUND', async () => {
    const { conversationId } = await inbound('+4915300000004', 'price?');
    const sent = await waitFor('the reply', async () => {
      const t = await thread(conversationId);
      return t.messages.length === 2 && t.messages[1].status === 'SENT' && t.messages[1];
    });
    const refused = await gql(platform.url, RESEND, { id: sent.id }, shop.token);
    expect(refused.errors?.[0]).toMatchObject({
      message: 'messageId: only a FAILED or UNCERTAIN message can be resent; this one is SENT',
      extensions: { code: 'BAD_USER_INPUT', field: 'messageId' },
    });
    const rival = await createWorkspace(platform.url);
    expect((await gql(platform.url, RESEND, { id: sent.id }, rival.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await gql(platform.url, RESEND, { id: 'not-an-id' }, shop.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await commandsOf(conversationId)).toEqual([]);
  });
});
