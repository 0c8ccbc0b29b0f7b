/**
 * The message model both real channels build on, through the real pipeline: a channel's normalized
 * message goes through Ingress.receive (built here as a connector builds it, on the platform's
 * database and Temporal) to the platform's conversation workflow and its replies on the simulator's
 * wire; receipts go through the receipt sink; sends go through the send activity.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createWorkspace, query, startPlatform, subscribe, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { settledReply } from '../../test/support/sends';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { loadConfig } from '../../activities/config';
import type { ActivityContext } from '../../activities/context';
import { createMessagingActivities } from '../../activities/messaging.activities';
import { createOrm, type Orm } from '../../schema/orm';
import { createIngress } from '../inbound';
import { createReceiptSink } from '../receipts';
import { createSimulatorChannel } from '../channels/simulator/simulator.channel';
import type { Ingress, InboundEnvelope } from '../ingress.port';
import type { ChannelAdapter } from '../channels/port';
import type { ReceiptSink } from '../channels/inbound-message';

const DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";

let platform: PlatformProcess;
let shop: TestWorkspace;
let orm: Orm;
let connection: Connection;
let ingress: Ingress;
let receipts: ReceiptSink;
let ctx: ActivityContext;

beforeAll(async () => {
  platform = await startPlatform();
  shop = await createWorkspace(platform.url);
  const config = loadConfig({ DATABASE_URL: platform.databaseUrl, TEMPORAL_ADDRESS: TEST_TEMPORAL_ADDRESS, JWT_SECRET: TEST_JWT_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
  orm = await createOrm(platform.databaseUrl, 3);
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, dataConverter: testDataConverter() });
  ingress = createIngress({ orm, temporal, taskQueue: config.taskQueue, log: (msg, err) => console.error(msg, err ?? '') });
  receipts = createReceiptSink(orm);
  ctx = { config, orm, temporal, receipts };
});

afterAll(async () => {
  await ingress?.close();
  await orm?.close();
  await connection?.close();
  await platform?.stop();
});

let counter = 0;
/** A customer's number of its own for each test. */
const customer = () => `+49151000090${String(++counter).padStart(2, '0')}`;
const receive = (message: Omit<InboundEnvelope, 'channelId'>, channelId = shop.channelId) => ingress.receive({ channelId, ...message });
const rowOf = async (externalId: string, channelId = shop.channelId) =>
  (await query(platform.databaseUrl, 'select * from messages where channel_id = $1 and external_id = $2', [channelId, externalId]))[0];
const botReplies = (conversationId: string) =>
  query<{ text: string }>(platform.databaseUrl, `select text from messages where conversation_id = $1 and sender_type = 'BOT' order by created_at`, [conversationId]);

describe('inbound messages of every type', () => {
  it('stores each with its type, text, media, quoted id, forwarded flag and details, and answers it', async () => {
    const from = customer();
    const image = { id: 'media-1', mimeType: 'image/jpeg', size: 1234, sha256: 'abc=' };
    const received = [
      { externalId: 'wamid.T-1', type: 'TEXT', text: 'hi there', forwarded: true },
      { externalId: 'wamid.T-2', type: 'IMAGE', text: 'our shop front', media: image, replyToExternalId: 'wamid.T-1' },
      { externalId: 'wamid.T-3', type: 'LOCATION', text: '📍 location: Cafe Uno', details: { latitude: 52.52, longitude: 13.405, name: 'Cafe Uno' } },
      { externalId: 'wamid.T-4', type: 'DOCUMENT', text: '📄 menu.pdf', media: { id: 'media-2', mimeType: 'application/pdf', fileName: 'menu.pdf' } },
      { externalId: 'wamid.T-5', type: 'BUTTON_REPLY', text: 'Yes please', details: { button: { id: 'yes', title: 'Yes please' } } },
      { externalId: 'wamid.T-6', type: 'UNSUPPORTED', text: 'Unsupported message (ephemeral)', details: { wireType: 'ephemeral' } },
    ] as const;
    let conversationId = '';
    for (const message of received) {
      const result = await receive({ ...message, from });
      expect(result).toMatchObject({ kind: 'MESSAGE', duplicate: false });
      if (result.kind === 'MESSAGE') conversationId = result.conversationId;
    }
    const rows = await query(
      platform.databaseUrl,
      `select external_id, type, text, media, details, reply_to_external_id, forwarded, direction, sender_type from messages
       where conversation_id = $1 and direction = 'INBOUND' order by created_at`,
      [conversationId],
    );
    expect(rows).toEqual(
      received.map((m) => ({
        external_id: m.externalId,
        type: m.type,
        text: m.text,
        media: 'media' in m ? m.media : null,
        details: 'details' in m ? m.details : null,
        reply_to_external_id: 'replyToExternalId' in m ? m.replyToExternalId : null,
        forwarded: 'forwarded' in m,
        direction: 'INBOUND',
        sender_type: 'CONTACT',
      })),
    );
    // Each went to the workflow as an inbound message and got the default reply.
    await waitFor('a reply to each', async () => (await botReplies(conversationId)).length === received.length);
  });

  it('stores a message of no type (the simulator) as TEXT', async () => {
    const result = await receive({ externalId: `wamid.${randomUUID()}`, from: customer(), text: 'plain' });
    expect(result.kind).toBe('MESSAGE');
    const [row] = await query(platform.databaseUrl, 'select type, media, forwarded from messages where id = $1', [result.messageId]);
    expect(row).toEqual({ type: 'TEXT', media: null, forwarded: false });
  });
});

describe('reactions', () => {
  const reactionsTo = (targetExternalId: string) =>
    query(platform.databaseUrl, 'select emoji, from_contact, external_id from message_reactions where channel_id = $1 and target_external_id = $2', [
      shop.channelId,
      targetExternalId,
    ]);

  it('attach to the message reacted to (a new emoji replaces the old, a removal deletes it) and get no reply', async () => {
    const from = customer();
    const first = await receive({ externalId: 'wamid.R-1', from, text: 'is it open today?' });
    if (first.kind !== 'MESSAGE') throw new Error('expected a message');
    await settledReply(platform.databaseUrl, first.messageId);

    const liked = await receive({ externalId: 'wamid.R-2', from, type: 'REACTION', text: '👍', reaction: { targetExternalId: 'wamid.R-1', emoji: '👍' } });
    expect(liked).toEqual({ kind: 'REACTION', messageId: first.messageId, conversationId: first.conversationId, workspaceId: shop.workspaceId });
    expect(await reactionsTo('wamid.R-1')).toEqual([{ emoji: '👍', from_contact: true, external_id: 'wamid.R-2' }]);

    await receive({ externalId: 'wamid.R-3', from, type: 'REACTION', text: '❤️', reaction: { targetExternalId: 'wamid.R-1', emoji: '❤️' } });
    expect(await reactionsTo('wamid.R-1')).toEqual([{ emoji: '❤️', from_contact: true, external_id: 'wamid.R-3' }]);

    await receive({ externalId: 'wamid.R-4', from, type: 'REACTION', text: 'reaction removed', reaction: { targetExternalId: 'wamid.R-1', emoji: null } });
    expect(await reactionsTo('wamid.R-1')).toEqual([]);

    // No reaction became a message.
    const ids = await query(platform.databaseUrl, `select external_id from messages where external_id like 'wamid.R-%'`);
    expect(ids).toEqual([{ external_id: 'wamid.R-1' }]);
    // The barrier: a follow-up and its reply. Had a reaction been routed, its reply would be before this one.
    const next = await receive({ externalId: 'wamid.R-5', from, text: 'thanks' });
    await settledReply(platform.databaseUrl, next.messageId!);
    expect(await botReplies(first.conversationId)).toEqual([{ text: DEFAULT_REPLY }, { text: DEFAULT_REPLY }]);
  });

  it('to a message not stored yet is kept, and one typed on our phone is ours', async () => {
    const from = customer();
    const kept = await receive({ externalId: 'wamid.R-6', from, type: 'REACTION', text: '🙏', reaction: { targetExternalId: 'wamid.NOT-YET', emoji: '🙏' } });
    expect(kept).toEqual({ kind: 'REACTION', messageId: null, conversationId: null, workspaceId: shop.workspaceId });
    await receive({ externalId: 'wamid.R-7', from, fromMe: true, type: 'REACTION', text: '👌', reaction: { targetExternalId: 'wamid.NOT-YET', emoji: '👌' } });
    expect(await reactionsTo('wamid.NOT-YET')).toEqual(
      expect.arrayContaining([
        { emoji: '🙏', from_contact: true, external_id: 'wamid.R-6' },
        { emoji: '👌', from_contact: false, external_id: 'wamid.R-7' },
      ]),
    );
    expect(await rowOf('wamid.R-6')).toBeUndefined();
  });
});

describe('a message typed on the business phone (fromMe)', () => {
  const modeOf = async (conversationId: string) => (await query(platform.databaseUrl, 'select mode from conversations where id = $1', [conversationId]))[0].mode;

  it('is a HUMAN outbound message, SENT, stored once, and takes the conversation over', async () => {
    const to = customer();
    const first = await receive({ externalId: 'wamid.F-1', from: to, text: 'hello?' });
    await settledReply(platform.databaseUrl, first.messageId!);

    const typed = { externalId: 'wamid.F-2', from: to, fromMe: true, text: 'Anna here from the shop, how can I help?', name: 'Our Shop' };
    const stored = await receive(typed);
    expect(stored).toMatchObject({ kind: 'MESSAGE', duplicate: false, conversationId: first.conversationId });
    expect(await receive(typed)).toMatchObject({ kind: 'MESSAGE', duplicate: true, messageId: stored.messageId });
    const row = await rowOf('wamid.F-2');
    expect(row).toMatchObject({ direction: 'OUTBOUND', sender_type: 'HUMAN', status: 'SENT', text: typed.text, type: 'TEXT' });
    expect(row.sent_at).not.toBeNull();
    // Our profile name is not the contact's.
    const [contact] = await query(platform.databaseUrl, 'select ct.name from conversations c join contacts ct on ct.id = c.contact_id where c.id = $1', [first.conversationId]);
    expect(contact.name).toBeNull();
    // The take-over went through the command path: recorded, applied by the workflow.
    await waitFor('the conversation to be taken over', async () => (await modeOf(first.conversationId!)) === 'HUMAN');
    const commands = await query(platform.databaseUrl, `select kind, applied_at is not null as applied from conversation_commands where conversation_id = $1`, [first.conversationId]);
    expect(commands).toEqual([{ kind: 'TAKE_OVER', applied: true }]);

    // The bot is silent now: the customer's next message gets no reply (the barrier is the workflow having handled it).
    const next = await receive({ externalId: 'wamid.F-3', from: to, text: 'I want to order' });
    const [{ workflow_id }] = await query(platform.databaseUrl, 'select workflow_id from conversations where id = $1', [first.conversationId]);
    const handle = ctx.temporal.workflow.getHandle(workflow_id);
    await waitFor('the workflow to handle the message', async () => {
      const state = await handle.query<{ mode: string; seen: string[]; queue: unknown[] }>('state');
      return state.mode === 'HUMAN' && state.seen.includes('wamid.F-3') && state.queue.length === 0;
    });
    expect(next.kind).toBe('MESSAGE');
    expect(await botReplies(first.conversationId!)).toEqual([{ text: DEFAULT_REPLY }]);
  });

  it('leaves the bot in charge when the channel says so (takeOverOnPhoneReply: false)', async () => {
    await query(platform.databaseUrl, `update channels set options = '{"takeOverOnPhoneReply": false}' where id = $1`, [shop.channelId]);
    try {
      const to = customer();
      const first = await receive({ externalId: 'wamid.F-4', from: to, text: 'hello?' });
      await settledReply(platform.databaseUrl, first.messageId!);
      await receive({ externalId: 'wamid.F-5', from: to, fromMe: true, text: 'typed on the phone' });
      const next = await receive({ externalId: 'wamid.F-6', from: to, text: 'and now?' });
      await settledReply(platform.databaseUrl, next.messageId!);
      expect(await modeOf(first.conversationId!)).toBe('BOT');
      expect(await query(platform.databaseUrl, 'select 1 from conversation_commands where conversation_id = $1', [first.conversationId])).toEqual([]);
    } finally {
      await query(platform.databaseUrl, `update channels set options = null where id = $1`, [shop.channelId]);
    }
  });
});

describe('delivery receipts', () => {
  const statusOf = async (id: string) =>
    (await query(platform.databaseUrl, 'select status, delivered_at, read_at, failure_code, failure_reason from messages where id = $1', [id]))[0];
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 3, 0, seconds));

  async function sentReply(): Promise<{ id: string; externalId: string; conversationId: string }> {
    const first = await receive({ externalId: `wamid.${randomUUID()}`, from: customer(), text: 'hi' });
    const reply = await settledReply(platform.databaseUrl, first.messageId!);
    expect(reply.status).toBe('SENT');
    return { id: reply.id, externalId: reply.external_id!, conversationId: first.conversationId! };
  }

  it('move a sent message to DELIVERED, then READ, live; a late DELIVERED leaves it READ', async () => {
    const reply = await sentReply();
    const updates = subscribe(platform.url, `subscription($c: ID) { messageUpdated(conversationId: $c) { id status } }`, { c: reply.conversationId }, shop.token);
    await updates.ready;
    try {
      await receipts.apply([{ channelId: shop.channelId, externalId: reply.externalId, status: 'DELIVERED', at: at(1) }]);
      expect(await statusOf(reply.id)).toMatchObject({ status: 'DELIVERED', delivered_at: at(1), read_at: null });
      await waitFor('the DELIVERED update live', async () => updates.events.some((e) => e.messageUpdated.status === 'DELIVERED'));

      await receipts.apply([{ channelId: shop.channelId, externalId: reply.externalId, status: 'READ', at: at(2) }]);
      expect(await statusOf(reply.id)).toMatchObject({ status: 'READ', delivered_at: at(1), read_at: at(2) });
      await waitFor('the READ update live', async () => updates.events.some((e) => e.messageUpdated.status === 'READ'));

      await receipts.apply([{ channelId: shop.channelId, externalId: reply.externalId, status: 'DELIVERED', at: at(3) }]);
      expect(await statusOf(reply.id)).toMatchObject({ status: 'READ', delivered_at: at(1), read_at: at(2) });
    } finally {
      updates.close();
    }
  });

  it('take READ then a late DELIVERED in one batch as READ, and mark another message of the batch FAILED with code and reason', async () => {
    const [read, failed] = [await sentReply(), await sentReply()];
    await receipts.apply([
      { channelId: shop.channelId, externalId: read.externalId, status: 'READ', at: at(5) },
      { channelId: shop.channelId, externalId: read.externalId, status: 'DELIVERED', at: at(4) },
      { channelId: shop.channelId, externalId: failed.externalId, status: 'FAILED', at: at(4), errorCode: '131026', errorReason: 'Message undeliverable' },
    ]);
    expect(await statusOf(read.id)).toMatchObject({ status: 'READ', delivered_at: at(4), read_at: at(5) });
    expect(await statusOf(failed.id)).toMatchObject({ status: 'FAILED', failure_code: '131026', failure_reason: 'Message undeliverable' });
  });

  it('that arrive before the SENT mark are kept, and applied when the mark lands', async () => {
    const to = customer();
    const first = await receive({ externalId: `wamid.${randomUUID()}`, from: to, text: 'hi' });
    await settledReply(platform.databaseUrl, first.messageId!);
    // The wire reports the message delivered while the send is still out (WhatsApp Web can).
    const simulator = createSimulatorChannel(orm, shop.channelId);
    const eagerWire: ChannelAdapter = {
      retrySafe: true,
      async send(message) {
        const sent = await simulator.send(message);
        await receipts.apply([{ channelId: shop.channelId, externalId: sent.externalId, status: 'DELIVERED', at: at(7) }]);
        const [kept] = await query(platform.databaseUrl, 'select status from pending_receipts where external_id = $1', [sent.externalId]);
        expect(kept).toEqual({ status: 'DELIVERED' });
        return sent;
      },
    };
    const key = `test:${randomUUID()}`;
    await createMessagingActivities(ctx, eagerWire).sendMessages({
      workspaceId: shop.workspaceId,
      channelId: shop.channelId,
      conversationId: first.conversationId!,
      to,
      messages: [{ idempotencyKey: key, senderType: 'BOT', text: 'early receipt' }],
    });
    const [row] = await query(platform.databaseUrl, 'select status, delivered_at, external_id from messages where idempotency_key = $1', [key]);
    expect(row).toMatchObject({ status: 'DELIVERED', delivered_at: at(7) });
    expect(await query(platform.databaseUrl, 'select 1 from pending_receipts where external_id = $1', [row.external_id])).toEqual([]);
  });
});

describe('outbound content', () => {
  it('reaches the wire from the row: media by URL, buttons, the quoted id', async () => {
    const to = customer();
    const first = await receive({ externalId: 'wamid.O-1', from: to, text: 'menu?' });
    await settledReply(platform.databaseUrl, first.messageId!);
    const keys = [`test:${randomUUID()}`, `test:${randomUUID()}`];
    await createMessagingActivities(ctx, createSimulatorChannel(orm, shop.channelId)).sendMessages({
      workspaceId: shop.workspaceId,
      channelId: shop.channelId,
      conversationId: first.conversationId!,
      to,
      messages: [
        { idempotencyKey: keys[0], senderType: 'BOT', text: 'Our menu', type: 'IMAGE', media: { id: 'menu', url: 'https://example.com/menu.jpg', mimeType: 'image/jpeg' }, replyToExternalId: 'wamid.O-1' },
        { idempotencyKey: keys[1], senderType: 'BOT', text: 'Order now?', details: { buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] } },
      ],
    });
    const wire = await query(platform.databaseUrl, 'select idempotency_key, text, content from simulator_deliveries where idempotency_key = any($1) order by delivered_at', [keys]);
    expect(wire).toEqual([
      { idempotency_key: keys[0], text: 'Our menu', content: { kind: 'media', media: 'image', url: 'https://example.com/menu.jpg', mimeType: 'image/jpeg' } },
      { idempotency_key: keys[1], text: 'Order now?', content: { kind: 'buttons', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] } },
    ]);
    const [image] = await query(platform.databaseUrl, 'select type, reply_to_external_id, status from messages where idempotency_key = $1', [keys[0]]);
    expect(image).toEqual({ type: 'IMAGE', reply_to_external_id: 'wamid.O-1', status: 'SENT' });
  });
});
