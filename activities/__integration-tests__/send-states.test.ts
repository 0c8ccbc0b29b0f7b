/**
 * Every state a send can end in, through the real pipeline (GraphQL → ingress → Temporal
 * conversation workflow → send activity on the connector → the simulator's wire, all real), on
 * both kinds of wire: one that takes a repeated send as the same message (WhatsApp Web, the
 * default simulator) and one that deduplicates nothing (the Cloud API; `idempotentWire: false`).
 * The simulator's test numbers make its wire drop the connection or rate-limit (see
 * SIMULATOR_TEST_NUMBERS). A killed connector mid-send is test/crash/send-crash.test.ts.
 */
import { Client, Connection } from '@temporalio/client';
import { createWorkspace, gql, gqlOk, query, simulateInbound, startPlatform, type PlatformProcess, type TestWorkspace, waitFor } from '../../test/support/platform';
import { SEND_ROW, createCloudLikeChannel, settledReply, wireAttempts, type SendRow } from '../../test/support/sends';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_TEMPORAL_ADDRESS } from '../../test/support/services-env';
import { loadConfig } from '../config';
import type { ActivityContext } from '../context';
import { createMessagingActivities, type SendMessagesInput } from '../messaging.activities';
import { createPersistenceActivities } from '../persistence.activities';
import { createOrm } from '../../schema/orm';
import { createSimulatorChannel } from '../../connector/channels/simulator/simulator.channel';
import { createReceiptSink } from '../../connector/receipts';

const REPLY = 'Our prices start at 10 EUR';

let platform: PlatformProcess;
let shop: TestWorkspace;
let cloudLikeChannelId: string;

beforeAll(async () => {
  platform = await startPlatform();
  shop = await createWorkspace(platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: REPLY }]);
  cloudLikeChannelId = await createCloudLikeChannel(platform.url, shop.token);
});

afterAll(async () => {
  await platform?.stop();
});

const inbound = async (channelId: string, from: string, text = 'price?') => (await simulateInbound(platform.url, { ...shop, channelId }, from, text)).id;
const settled = (inboundId: string) => settledReply(platform.databaseUrl, inboundId);
const wire = (idempotencyKey: string) => wireAttempts(platform.databaseUrl, idempotencyKey);

it('takes the simulator wire option only for a SIMULATOR channel', async () => {
  const result = await gql(platform.url, `mutation { createChannel(input: { kind: CLOUD_API, name: "Cloud", simulator: { idempotentWire: false } }) { id } }`, {}, shop.token);
  expect(result.errors?.[0]).toMatchObject({ message: 'simulator: is only for SIMULATOR channels', extensions: { code: 'BAD_USER_INPUT', field: 'simulator' } });
  const [channel] = await query(platform.databaseUrl, 'select options from channels where id = $1', [cloudLikeChannelId]);
  expect(channel.options).toEqual({ simulator: { idempotentWire: false } });
});

it('goes PENDING → SENDING → SENT: an agent message is recorded PENDING, sent once under its wire id', async () => {
  const inboundId = await inbound(shop.channelId, '+4915100008001');
  const botReply = await settled(inboundId);
  expect(botReply).toMatchObject({ status: 'SENT', send_attempts: 1, failure_reason: null });

  const [{ conversation_id: conversationId }] = await query(platform.databaseUrl, 'select conversation_id from messages where id = $1', [inboundId]);
  const { sendMessage } = await gqlOk(
    platform.url,
    `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id status } }`,
    { i: { conversationId, text: 'Anna here, 10 EUR.' } },
    shop.token,
  );
  // The workflow records the agent's message PENDING and queues its send before the mutation answers,
  // so by the time the answer arrives the send may already be under way.
  expect(['PENDING', 'SENDING', 'SENT']).toContain(sendMessage.status);
  const sent = await waitFor('the agent message to be SENT', async () => {
    const [row] = await query<SendRow>(platform.databaseUrl, `${SEND_ROW} where id = $1`, [sendMessage.id]);
    return row.status === 'SENT' && row;
  });
  expect(sent.send_attempts).toBe(1);
  // SENDING was written before the channel call: its time is not after the SENT mark's.
  expect(sent.sending_at!.getTime()).toBeLessThanOrEqual(sent.sent_at!.getTime());
  expect(await wire(sent.idempotency_key)).toEqual([{ wire_id: sent.external_id, outcome: 'DELIVERED' }]);
});

it('is FAILED with the reason when the channel refuses it for good, and not tried again', async () => {
  const reply = await settled(await inbound(cloudLikeChannelId, '+9990000101'));
  expect(reply).toMatchObject({ status: 'FAILED', failure_reason: '+9990000101 is not on WhatsApp', send_attempts: 1 });
  expect((await wire(reply.idempotency_key)).map((w) => w.outcome)).toEqual(['REFUSED']);
});

it('is UNCERTAIN after an ambiguous error on a wire without idempotency, and never sent blindly again', async () => {
  const from = '+9991000101';
  const reply = await settled(await inbound(cloudLikeChannelId, from));
  expect(reply.status).toBe('UNCERTAIN');
  expect(reply.failure_reason).toBe(
    'The send may have reached WhatsApp (socket hang up: the connection dropped after the message was written); not resent automatically.',
  );
  expect(reply.send_attempts).toBe(1);
  // A barrier: the conversation's next send runs after anything that could still touch the first.
  const next = await settled(await inbound(cloudLikeChannelId, from, 'price again?'));
  expect(next.status).toBe('UNCERTAIN');
  expect((await wire(reply.idempotency_key)).map((w) => w.outcome)).toEqual(['DELIVERED']);
});

it('retries a SENDING row after an ambiguous error on a wire with idempotency: the same wire id, shown once, SENT', async () => {
  const reply = await settled(await inbound(shop.channelId, '+9991000102'));
  expect(reply).toMatchObject({ status: 'SENT', send_attempts: 2, failure_reason: null });
  const attempts = await wire(reply.idempotency_key);
  expect(attempts).toEqual([
    { wire_id: reply.external_id, outcome: 'DELIVERED' },
    { wire_id: reply.external_id, outcome: 'DUPLICATE' },
  ]);
  // The agent's thread shows both attempts.
  const [{ conversation_id: conversationId }] = await query(platform.databaseUrl, 'select conversation_id from messages where id = $1', [reply.id]);
  const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { messages { id status sendAttempts } } }`, { id: conversationId }, shop.token);
  expect(conversation.messages).toContainEqual({ id: reply.id, status: 'SENT', sendAttempts: 2 });
});

it('retries a send the wire did not accept (429), even on a wire without idempotency', async () => {
  const reply = await settled(await inbound(cloudLikeChannelId, '+9992000101'));
  expect(reply).toMatchObject({ status: 'SENT', send_attempts: 2 });
  const attempts = await wire(reply.idempotency_key);
  expect(attempts.map((a) => a.outcome)).toEqual(['REFUSED', 'DELIVERED']);
  expect(attempts[1].wire_id).toBe(reply.external_id);
});

describe('the activities on the platform database', () => {
  // The activities as the connector and the worker build them, here in the test's process, on the platform's database.
  let ctx: ActivityContext;
  let connection: Connection;
  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: platform.databaseUrl, TEMPORAL_ADDRESS: TEST_TEMPORAL_ADDRESS, JWT_SECRET: TEST_JWT_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    connection = await Connection.connect({ address: config.temporalAddress });
    const orm = await createOrm(config.databaseUrl, 2);
    ctx = { config, orm, temporal: new Client({ connection }), receipts: createReceiptSink(orm) };
  });
  afterAll(async () => {
    await ctx?.orm.close();
    await connection?.close();
  });

  /** sendMessages as the connector of `input.channelId` (a simulator channel with an idempotent wire) runs it. */
  const sendMessages = (input: SendMessagesInput) => createMessagingActivities(ctx, createSimulatorChannel(ctx.orm, input.channelId)).sendMessages(input);
  const markMessageFailed = (input: { idempotencyKey: string; reason: string }) => createPersistenceActivities(ctx).markMessageFailed(input);

  async function conversationOf(channelId: string, from: string) {
    const inboundId = await inbound(channelId, from, 'hello');
    await settled(inboundId);
    const [row] = await query(platform.databaseUrl, 'select conversation_id from messages where id = $1', [inboundId]);
    return row.conversation_id as string;
  }

  it('sends a batch in order: the message the channel refuses is FAILED and the rest still go', async () => {
    const to = '+4915100008101';
    const conversationId = await conversationOf(shop.channelId, to);
    const keys = ['batch:1', 'batch:2', 'batch:3'];
    const texts = ['first', 'x'.repeat(4097), 'third'];
    const result = await sendMessages({
      workspaceId: shop.workspaceId,
      channelId: shop.channelId,
      conversationId,
      to,
      messages: keys.map((idempotencyKey, i) => ({ idempotencyKey, senderType: 'BOT' as const, text: texts[i] })),
    });
    expect(result).toEqual({ sent: 2, failed: 1, uncertain: 0 });
    const rows = await query(platform.databaseUrl, `select idempotency_key, status, failure_reason from messages where idempotency_key like 'batch:%' order by idempotency_key`);
    expect(rows).toEqual([
      { idempotency_key: 'batch:1', status: 'SENT', failure_reason: null },
      { idempotency_key: 'batch:2', status: 'FAILED', failure_reason: 'text longer than 4096 characters' },
      { idempotency_key: 'batch:3', status: 'SENT', failure_reason: null },
    ]);
    const delivered = await query(platform.databaseUrl, `select text from simulator_deliveries where to_phone = $1 and outcome = 'DELIVERED' order by delivered_at`, [to]);
    expect(delivered.map((d) => d.text).slice(-2)).toEqual(['first', 'third']);

    // The same batch again (a retried activity) sends nothing.
    expect(await sendMessages({ workspaceId: shop.workspaceId, channelId: shop.channelId, conversationId, to, messages: keys.map((idempotencyKey, i) => ({ idempotencyKey, senderType: 'BOT' as const, text: texts[i] })) })).toEqual({ sent: 0, failed: 0, uncertain: 0 });
  });

  it('gives up a send: PENDING and SENDING on a wire with idempotency become FAILED, SENDING on one without becomes UNCERTAIN', async () => {
    const rows = [
      { key: 'giveup:pending', channelId: shop.channelId, status: 'PENDING' },
      { key: 'giveup:sending-idempotent', channelId: shop.channelId, status: 'SENDING' },
      { key: 'giveup:sending-cloud-like', channelId: cloudLikeChannelId, status: 'SENDING' },
    ];
    for (const row of rows) {
      const conversationId = await conversationOf(row.channelId, `+49151000082${rows.indexOf(row)}`);
      // The row an attempt leaves behind when its process dies mid-call and no connector ever comes back.
      await query(
        platform.databaseUrl,
        `insert into messages (id, workspace_id, conversation_id, channel_id, direction, sender_type, text, status, idempotency_key, send_attempts)
         values (gen_random_uuid(), $1, $2, $3, 'OUTBOUND', 'BOT', 'hi', $4, $5, $6)`,
        [shop.workspaceId, conversationId, row.channelId, row.status, row.key, row.status === 'SENDING' ? 1 : 0],
      );
      await markMessageFailed({ idempotencyKey: row.key, reason: 'Activity task timed out' });
    }
    const marked = await query(platform.databaseUrl, `select idempotency_key, status, failure_reason from messages where idempotency_key like 'giveup:%' order by idempotency_key`);
    expect(marked).toEqual([
      { idempotency_key: 'giveup:pending', status: 'FAILED', failure_reason: 'Activity task timed out' },
      {
        idempotency_key: 'giveup:sending-cloud-like',
        status: 'UNCERTAIN',
        failure_reason: 'Gave up (Activity task timed out) after an attempt that may have reached WhatsApp; not resent automatically.',
      },
      { idempotency_key: 'giveup:sending-idempotent', status: 'FAILED', failure_reason: 'Activity task timed out' },
    ]);
  });
});
