/**
 * The WhatsApp Web channel end to end with a fake socket at makeWASocket's boundary
 * (test/support/fake-baileys-socket.ts): statuses and reconnects for every close code, pairing,
 * inbound to the bot's reply, own echoes, LID and phone of one person, a retried send's id, and
 * the auth state sealed in Postgres across a restart, and a broadcast on a number that stops.
 */
import type { WAMessage } from '@whiskeysockets/baileys';
import { createWorkspace, gqlOk, gql, query, startPlatform, subscribe, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { startFakeBaileys, type FakeBaileys, type FakeSocket } from '../../test/support/fake-baileys';
import { readFixture } from '../../test/support/fixtures';
import { solidPng } from '../../test/support/png';
import { sealMedia, startMediaHost, type SealedMedia } from '../../test/support/whatsapp-media';

jest.setTimeout(180_000);

const PRICE_REPLY = 'Prices start at 5 EUR.';
const CUSTOMER = '4915111111111';

let fake: FakeBaileys;
let platform: PlatformProcess;
let ws: TestWorkspace;

beforeAll(async () => {
  fake = await startFakeBaileys();
  platform = await startPlatform({ env: fake.env });
  ws = await createWorkspace(platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: PRICE_REPLY }]);
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});

async function createBaileysChannel(name: string): Promise<string> {
  const { createChannel } = await gqlOk(platform.url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id status } }`, { i: { kind: 'BAILEYS', name } }, ws.token);
  expect(createChannel.status).toBe('CONNECTING');
  return createChannel.id;
}

async function channelRow(channelId: string): Promise<{ status: string; last_error: string | null; qr_code: string | null }> {
  const [row] = await query(platform.databaseUrl, 'select status, last_error, qr_code from channels where id = $1', [channelId]);
  return row;
}

function waitForStatus(channelId: string, status: string) {
  return waitFor(`channel ${channelId} to be ${status}`, async () => {
    const row = await channelRow(channelId);
    return row.status === status && row;
  });
}

function close(statusCode: number, message: string) {
  return { connection: 'close', lastDisconnect: { error: { isBoom: true, output: { statusCode, payload: { statusCode, message } } }, date: new Date().toISOString() } };
}

/** A published message fixture, from someone else. */
function inbound(id: string, remoteJid: string, text: string, extra: Partial<WAMessage['key']> = {}): WAMessage {
  const base = readFixture<WAMessage>('baileys/motteteams-conversation-text.json');
  return { ...base, key: { ...base.key, id, remoteJid, ...extra }, message: { conversation: text }, messageTimestamp: Math.floor(Date.now() / 1000) } as WAMessage;
}

async function openChannel(name: string): Promise<{ channelId: string; socket: FakeSocket }> {
  const channelId = await createBaileysChannel(name);
  const socket = await fake.socket(channelId);
  socket.emit('connection.update', { connection: 'open' });
  await waitForStatus(channelId, 'CONNECTED');
  return { channelId, socket };
}

function sends(channelId: string) {
  return fake.calls.filter((c) => c.channelId === channelId && c.method === 'sendMessage');
}

test('QR → pairing code → 515 restart → open → a message and the bot reply → a network drop reconnects → 401 logs out and wipes the auth state', async () => {
  const channelId = await createBaileysChannel('Shop phone');
  const live = subscribe(platform.url, 'subscription { channelUpdated { id status qrCode } }', {}, ws.token);
  await live.ready;
  const first = await fake.socket(channelId);
  expect(first.registered).toBe(false);

  first.emit('connection.update', readFixture('baileys/connection-update-connecting.json'));
  const qr = readFixture<{ qr: string }>('baileys/connection-update-qr.json').qr;
  first.emit('connection.update', { qr });
  await waitForStatus(channelId, 'QR_REQUIRED');
  const { channels } = await gqlOk(platform.url, '{ channels { id status qrCode qrImage } }', {}, ws.token);
  const shown = channels.find((c: { id: string }) => c.id === channelId);
  expect(shown.qrCode).toBe(qr);
  expect(shown.qrImage).toMatch(/^data:image\/png;base64,/);
  await waitFor('channelUpdated with the QR', async () => live.events.find((e) => e.channelUpdated.id === channelId && e.channelUpdated.qrCode === qr));

  const { requestPairingCode } = await gqlOk(platform.url, 'mutation($c: ID!, $p: String!) { requestPairingCode(channelId: $c, phone: $p) }', { c: channelId, p: '+49 151 0000 0000' }, ws.token);
  expect(requestPairingCode).toBe('PRLY7K2Q');
  expect(fake.calls.find((c) => c.channelId === channelId && c.method === 'requestPairingCode')?.args).toEqual(['4915100000000']);

  // Pairing done: WhatsApp sends the creds, then closes with 515 (the log fixture's stream error code).
  first.updateCreds({ me: { id: '4915100000000:7@s.whatsapp.net', name: 'Shop' }, registered: true });
  const restart = Number(readFixture<{ node?: { attrs: { code: string } } }[]>('baileys/log-515-restart-required-after-pairing.json')[1].node!.attrs.code);
  first.emit('connection.update', close(restart, 'Stream Errored (restart required)'));
  const second = await fake.socket(channelId, 2);
  expect(second.registered).toBe(true);
  second.emit('connection.update', { connection: 'open' });
  await waitForStatus(channelId, 'CONNECTED');
  expect((await channelRow(channelId)).qr_code).toBeNull();
  await waitFor('channelUpdated CONNECTED', async () => live.events.find((e) => e.channelUpdated.id === channelId && e.channelUpdated.status === 'CONNECTED'));
  live.close();

  const customerJid = `${CUSTOMER}@s.whatsapp.net`;
  // A newly linked phone's recent chats arrive as history: not messages to answer (the next message is the barrier).
  second.emit('messaging-history.set', { chats: [], contacts: [], messages: [inbound('OLD00001', customerJid, 'price from an hour ago?')], isLatest: true });
  second.emit('messages.upsert', { type: 'notify', messages: [inbound('IN000001', customerJid, 'what is the price?')] });
  const [reply] = await waitFor('the bot reply on the wire', async () => sends(channelId).length >= 1 && sends(channelId));
  expect(reply.args[0]).toBe(customerJid);
  expect(reply.args[1]).toEqual({ text: PRICE_REPLY });
  expect(reply.args[2].messageId).toMatch(/^3EB0[0-9A-F]{20}$/);
  await waitFor('the reply SENT under that id', async () => {
    const [row] = await query(platform.databaseUrl, `select external_id from messages where channel_id = $1 and status = 'SENT' and text = $2`, [channelId, PRICE_REPLY]);
    return row?.external_id === reply.args[2].messageId;
  });

  second.emit('messages.upsert', { type: 'notify', messages: [inbound('IN000002', customerJid, 'price again?')] });
  await waitFor('the second reply', async () => sends(channelId).length >= 2);
  const rows = await query(platform.databaseUrl, 'select text from messages where channel_id = $1 order by created_at', [channelId]);
  expect(rows.map((r) => r.text)).toEqual(['what is the price?', PRICE_REPLY, 'price again?', PRICE_REPLY]);

  // A network drop (the published 428 "Connection Closed"): RECONNECTING with the reason, then a new socket after the first backoff step.
  const dropped = readFixture<{ response: object }>('baileys/boom-error-428-connection-closed-api-response.json').response;
  second.emit('connection.update', { connection: 'close', lastDisconnect: { error: dropped, date: new Date().toISOString() } });
  const reconnecting = await waitForStatus(channelId, 'RECONNECTING');
  expect(reconnecting.last_error).toBe('Connection Closed (428); reconnecting in 2 s');
  const third = await fake.socket(channelId, 3);
  expect(third.registered).toBe(true);
  third.emit('connection.update', { connection: 'open' });
  await waitForStatus(channelId, 'CONNECTED');
  // What the customer wrote while the socket was down arrives as an offline notification ('append'): taken in and answered.
  third.emit('messages.upsert', { type: 'append', messages: [inbound('IN000003', customerJid, 'price, while you were away?')] });
  await waitFor('the reply to the offline message', async () => sends(channelId).length >= 3);
  // The echo of our own send ('append', as Baileys reports our sends) is not recorded again; the next message (handled after it, in order) is the barrier.
  const echoed = sends(channelId)[2].args[2].messageId as string;
  third.emit('messages.upsert', { type: 'append', messages: [inbound(echoed, customerJid, PRICE_REPLY, { fromMe: true })] });
  third.emit('messages.upsert', { type: 'notify', messages: [inbound('IN000004', customerJid, 'and the price tomorrow?')] });
  await waitFor('the fourth reply', async () => sends(channelId).length >= 4);
  const all = await query(platform.databaseUrl, 'select text from messages where channel_id = $1 order by created_at', [channelId]);
  expect(all.filter((r) => r.text === PRICE_REPLY)).toHaveLength(4);
  expect(all).toHaveLength(8);

  // 401 from the phone (the published close event): logged out, the auth state wiped, no reconnect.
  third.emit('connection.update', readFixture('baileys/connection-update-close-401-connection-failure.json'));
  const loggedOut = await waitForStatus(channelId, 'LOGGED_OUT');
  expect(loggedOut.last_error).toMatch(/^logged out from the phone/);
  expect(await query(platform.databaseUrl, 'select 1 from baileys_auth where channel_id = $1', [channelId])).toEqual([]);
  expect(fake.sockets.filter((s) => s.channelId === channelId)).toHaveLength(3);
  // Connecting again starts over with a QR: the fourth socket is a new device.
  const { connectChannel } = await gqlOk(platform.url, 'mutation($c: ID!) { connectChannel(channelId: $c) { status } }', { c: channelId }, ws.token);
  expect(connectChannel.status).toBe('CONNECTING');
  const fourth = await fake.socket(channelId, 4);
  expect(fourth.registered).toBe(false);
  expect(fake.sockets.filter((s) => s.channelId === channelId)).toHaveLength(4);

  const { channels: after } = await gqlOk(platform.url, '{ channels { id statusHistory(last: 20) { status } messagesToday } }', {}, ws.token);
  const history = after.find((c: { id: string }) => c.id === channelId);
  expect(history.statusHistory.map((s: { status: string }) => s.status).reverse()).toEqual([
    'CONNECTING', 'QR_REQUIRED', 'CONNECTING', 'CONNECTED', 'RECONNECTING', 'CONNECTED', 'LOGGED_OUT', 'CONNECTING',
  ]);
  expect(history.messagesToday).toBe(8);
  expect((await query(platform.databaseUrl, `select 1 from messages where channel_id = $1 and text = 'price from an hour ago?'`, [channelId]))).toEqual([]);
});

test('403 is BANNED and stops, 440 says another device took the session, and unscanned QR codes stop after a few rotations', async () => {
  const channelId = await createBaileysChannel('Banned phone');
  (await fake.socket(channelId)).emit('connection.update', close(403, 'Forbidden'));
  expect((await waitForStatus(channelId, 'BANNED')).last_error).toBe('WhatsApp refused this number (Forbidden (403))');

  await gqlOk(platform.url, 'mutation($c: ID!) { connectChannel(channelId: $c) { id } }', { c: channelId }, ws.token);
  const conflict = readFixture('baileys/lastdisconnect-error-440-conflict-from-inspect.json');
  (await fake.socket(channelId, 2)).emit('connection.update', { connection: 'close', lastDisconnect: { error: conflict, date: new Date().toISOString() } });
  expect((await waitForStatus(channelId, 'DISCONNECTED')).last_error).toBe('another device took the session (Stream Errored (conflict) (440)); connect again to take it back');

  await gqlOk(platform.url, 'mutation($c: ID!) { connectChannel(channelId: $c) { id } }', { c: channelId }, ws.token);
  const third = await fake.socket(channelId, 3);
  for (let i = 1; i <= 7; i++) third.emit('connection.update', { qr: `2@qr-${i}` });
  const stopped = await waitForStatus(channelId, 'DISCONNECTED');
  expect(stopped.last_error).toBe('QR not scanned');
  expect(stopped.qr_code).toBeNull();
  await waitFor('the socket closed', async () => third.ended());
  expect(fake.sockets.filter((s) => s.channelId === channelId)).toHaveLength(3);

  // Managers only, and only on this workspace's WhatsApp Web channels.
  const refused = await gql(platform.url, 'mutation($c: ID!) { connectChannel(channelId: $c) { id } }', { c: ws.channelId }, ws.token);
  expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const other = await createWorkspace(platform.url);
  const foreign = await gql(platform.url, 'mutation($c: ID!) { disconnectChannel(channelId: $c) { id } }', { c: channelId }, other.token);
  expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

/** `n` contacts +<prefix><i> in the test workspace and a text broadcast to them on the channel, created (not started). */
async function broadcastTo(channelId: string, prefix: string, n: number): Promise<{ broadcastId: string; jids: string[] }> {
  const contacts = await query(
    platform.databaseUrl,
    `insert into contacts (id, workspace_id, contact_key, phone, name)
     select gen_random_uuid(), $1, $2 || lpad(i::text, 3, '0'), '+' || $2 || lpad(i::text, 3, '0'), 'Customer ' || i
     from generate_series(1, $3::int) i returning id, contact_key`,
    [ws.workspaceId, prefix, n],
  );
  const { createBroadcast } = await gqlOk(
    platform.url,
    `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { id } }`,
    { i: { name: 'Spring', channelId, text: 'Spring sale, {{contact.name}}!', audience: { contactIds: contacts.map((c: { id: string }) => c.id) } } },
    ws.token,
  );
  return { broadcastId: createBroadcast.id, jids: contacts.map((c: { contact_key: string }) => `${c.contact_key}@s.whatsapp.net`).sort() };
}

function broadcastUntil(broadcastId: string, status: string) {
  return waitFor(`the broadcast to be ${status}`, async () => {
    const { broadcast } = await gqlOk(platform.url, `query($id: ID!) { broadcast(id: $id) { status error total pending sent skipped } }`, { id: broadcastId }, ws.token);
    return broadcast.status === status && broadcast;
  }, 60_000);
}

test('a broadcast on a logged-out number pauses saying why and finishes once the number is linked again and it is resumed; on a banned number it fails', async () => {
  const { channelId, socket } = await openChannel('Campaigns');
  const { broadcastId, jids } = await broadcastTo(channelId, '4915177', 3);
  socket.emit('connection.update', readFixture('baileys/connection-update-close-401-connection-failure.json'));
  const loggedOut = await waitForStatus(channelId, 'LOGGED_OUT');
  await gqlOk(platform.url, 'mutation($id: ID!) { startBroadcast(id: $id) { id } }', { id: broadcastId }, ws.token);

  // No connector serves a logged-out number: the broadcast says so instead of waiting in silence.
  expect(await broadcastUntil(broadcastId, 'PAUSED')).toEqual({
    status: 'PAUSED', error: `${loggedOut.last_error}; paused until the channel is connected again and the broadcast resumed`, total: 3, pending: 3, sent: 0, skipped: 0,
  });
  expect(sends(channelId)).toHaveLength(0);

  await gqlOk(platform.url, 'mutation($c: ID!) { connectChannel(channelId: $c) { id } }', { c: channelId }, ws.token);
  (await fake.socket(channelId, 2)).emit('connection.update', { connection: 'open' });
  await waitForStatus(channelId, 'CONNECTED');
  await gqlOk(platform.url, 'mutation($id: ID!) { resumeBroadcast(id: $id) { id } }', { id: broadcastId }, ws.token);
  expect(await broadcastUntil(broadcastId, 'COMPLETED')).toEqual({ status: 'COMPLETED', error: null, total: 3, pending: 0, sent: 3, skipped: 0 });
  expect(sends(channelId).map((c) => c.args[0]).sort()).toEqual(jids);

  // A banned number does not come back: the broadcast fails with the reason, nobody left pending.
  const banned = await openChannel('Banned campaigns');
  const second = await broadcastTo(banned.channelId, '4915188', 2);
  banned.socket.emit('connection.update', close(403, 'Forbidden'));
  await waitForStatus(banned.channelId, 'BANNED');
  await gqlOk(platform.url, 'mutation($id: ID!) { startBroadcast(id: $id) { id } }', { id: second.broadcastId }, ws.token);
  expect(await broadcastUntil(second.broadcastId, 'FAILED')).toEqual({
    status: 'FAILED', error: 'WhatsApp refused this number (Forbidden (403))', total: 2, pending: 0, sent: 0, skipped: 2,
  });
  expect(sends(banned.channelId)).toHaveLength(0);
});

test('the LID and the phone JID of one person land in one conversation; a message from an unknown LID waits for its mapping', async () => {
  const { channelId, socket } = await openChannel('LID phone');
  const phoneJid = '4915122222222@s.whatsapp.net';
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('LID00001', phoneJid, 'hello from my number')] });
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('LID00002', '98765@lid', 'hello from my LID')] });
  await waitFor('the LID message to wait', async () => (await query(platform.databaseUrl, 'select 1 from pending_lid_messages where channel_id = $1', [channelId])).length === 1);

  socket.emit('lid-mapping.update', { lid: '98765@lid', pn: phoneJid });
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('LID00003', '55555@lid', 'first, with my number beside', { remoteJidAlt: '4915133333333@s.whatsapp.net' })] });
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('LID00004', '55555@lid', 'then by LID alone')] });
  const conversations = await waitFor('every message stored', async () => {
    const rows = await query(platform.databaseUrl, `select c.contact_key, array_agg(m.text order by m.created_at) as texts from messages m
      join conversations v on v.id = m.conversation_id join contacts c on c.id = v.contact_id
      where m.channel_id = $1 and m.direction = 'INBOUND' group by c.contact_key order by c.contact_key`, [channelId]);
    return rows.reduce((n, r) => n + r.texts.length, 0) === 4 && rows;
  });
  expect(conversations).toEqual([
    { contact_key: '4915122222222', texts: ['hello from my number', 'hello from my LID'] },
    { contact_key: '4915133333333', texts: ['first, with my number beside', 'then by LID alone'] },
  ]);
  expect(await query(platform.databaseUrl, 'select 1 from pending_lid_messages where channel_id = $1', [channelId])).toEqual([]);

  // A reply typed on the business phone to the LID chat is the same person's conversation, recorded as a human's message.
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('PHONE001', '98765@lid', 'typed on the phone', { fromMe: true })] });
  const typed = await waitFor('the phone reply stored', async () =>
    (await query(platform.databaseUrl, `select m.direction, m.sender_type, c.contact_key from messages m join conversations v on v.id = m.conversation_id
      join contacts c on c.id = v.contact_id where m.channel_id = $1 and m.external_id = 'PHONE001'`, [channelId]))[0]);
  expect(typed).toEqual({ direction: 'OUTBOUND', sender_type: 'HUMAN', contact_key: '4915122222222' });
  expect(await query(platform.databaseUrl, 'select lid, phone from contact_lids where channel_id = $1 order by lid', [channelId])).toEqual([
    { lid: '55555', phone: '+4915133333333' },
    { lid: '98765', phone: '+4915122222222' },
  ]);
});

test('the customer\'s messages are marked read (blue ticks) once the reply went out, each once', async () => {
  const { channelId, socket } = await openChannel('Ticks phone');
  const customerJid = '4915133333333@s.whatsapp.net';
  const reads = () => fake.calls.filter((c) => c.channelId === channelId && c.method === 'readMessages').map((c) => c.args[0]);
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('TICK0001', customerJid, 'what is the price?')] });
  await waitFor('the first read', async () => reads().length >= 1);
  expect(sends(channelId)).toHaveLength(1);
  // The next exchange is the barrier: the first message is not marked again.
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('TICK0002', customerJid, 'the price again?')] });
  await waitFor('the second read', async () => reads().length >= 2);
  expect(reads()).toEqual([[{ remoteJid: customerJid, id: 'TICK0001', fromMe: false }], [{ remoteJid: customerJid, id: 'TICK0002', fromMe: false }]]);
  expect(sends(channelId)).toHaveLength(2);
});

test('a send retried after an ambiguous error carries the same message id', async () => {
  const { channelId, socket } = await openChannel('Retry phone');
  let failed = false;
  fake.answer((call) => {
    if (call.channelId !== channelId || call.method !== 'sendMessage' || failed) return undefined;
    failed = true;
    return { error: { message: 'socket hang up', code: 'ECONNRESET' } };
  });
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('RETRY001', `${CUSTOMER}@s.whatsapp.net`, 'price?')] });
  const attempts = await waitFor('the retried send', async () => sends(channelId).length === 2 && sends(channelId));
  fake.answer(null);
  expect(attempts[0].args[2].messageId).toBe(attempts[1].args[2].messageId);
  await waitFor('the reply SENT under that id', async () => {
    const [row] = await query(platform.databaseUrl, `select external_id, send_attempts from messages where channel_id = $1 and status = 'SENT'`, [channelId]);
    return row?.external_id === attempts[0].args[2].messageId && row.send_attempts === 2;
  });

  // Receipts: delivered (messages.update), then read (message-receipt.update) on the message we sent.
  const key = { remoteJid: `${CUSTOMER}@s.whatsapp.net`, id: attempts[0].args[2].messageId, fromMe: true };
  const statusOf = async () => (await query(platform.databaseUrl, 'select status from messages where channel_id = $1 and external_id = $2', [channelId, key.id]))[0]?.status;
  socket.emit('messages.update', [{ key, update: { status: 3 } }]);
  await waitFor('DELIVERED', async () => (await statusOf()) === 'DELIVERED');
  socket.emit('message-receipt.update', [{ key, receipt: { userJid: key.remoteJid, readTimestamp: Math.floor(Date.now() / 1000) } }]);
  await waitFor('READ', async () => (await statusOf()) === 'READ');
});

test('the auth state is sealed in Postgres and a restart opens the session with no QR', async () => {
  const { channelId, socket } = await openChannel('Restart phone');
  const preKey = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex');
  socket.updateCreds({ me: { id: '4915177777777:3@s.whatsapp.net', name: 'Restart shop' }, registered: true });
  socket.setKeys({ 'pre-key': { 1: { public: preKey, private: Buffer.alloc(32, 9) } }, session: { '4915111111111.0': Buffer.from('session-record') } });
  const rows = await waitFor('creds and keys stored', async () => {
    const found = await query(platform.databaseUrl, 'select kind, key_id, sealed from baileys_auth where channel_id = $1 order by kind', [channelId]);
    return found.length === 3 && found;
  });
  expect(rows.map((r) => `${r.kind}/${r.key_id}`)).toEqual(['creds/', 'pre-key/1', 'session/4915111111111.0']);
  for (const row of rows) {
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toMatch(/4915177777777|session-record|Restart shop/);
  }

  await platform.stop();
  platform = await startPlatform({ databaseUrl: platform.databaseUrl, env: fake.env });
  const resumed = await fake.socket(channelId, 2);
  expect(resumed.registered).toBe(true);
  expect(resumed.me).toBe('4915177777777:3@s.whatsapp.net');
  expect(resumed.preKey1).toBe(preKey.toString('hex'));
  resumed.emit('connection.update', { connection: 'open' });
  await waitForStatus(channelId, 'CONNECTED');
  const history = await query(platform.databaseUrl, 'select status from channel_status_changes where channel_id = $1 order by at', [channelId]);
  expect(history.map((h) => h.status)).not.toContain('QR_REQUIRED');
});

test('channel settings: group messages come in once groups are not ignored; every setting is validated', async () => {
  const { channelId, socket } = await openChannel('Group phone');
  const group = { remoteJid: '120363000000000001@g.us', participant: '4915144444444@s.whatsapp.net' };
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('GRP00001', group.remoteJid, 'ignored in the group', { participant: group.participant })] });
  // Barrier: a 1:1 message after it is stored once the group message was handled (in order).
  socket.emit('messages.upsert', { type: 'notify', messages: [inbound('GRP00002', `${CUSTOMER}@s.whatsapp.net`, 'a direct message')] });
  await waitFor('the direct message', async () => (await query(platform.databaseUrl, `select 1 from messages where channel_id = $1 and external_id = 'GRP00002'`, [channelId])).length === 1);

  const bad = await gql(platform.url, 'mutation($i: UpdateChannelSettingsInput!) { updateChannelSettings(input: $i) { id } }', { i: { channelId, ratePerMinute: 0 } }, ws.token);
  expect(bad.errors?.[0]).toMatchObject({ message: 'ratePerMinute: must be at least 1', extensions: { code: 'BAD_USER_INPUT', field: 'ratePerMinute' } });
  const { updateChannelSettings } = await gqlOk(platform.url, 'mutation($i: UpdateChannelSettingsInput!) { updateChannelSettings(input: $i) { settings { ignoreGroups ignoreStatus ratePerMinute } } }',
    { i: { channelId, ignoreGroups: false, ratePerMinute: 12 } }, ws.token);
  expect(updateChannelSettings.settings).toEqual({ ignoreGroups: false, ignoreStatus: true, ratePerMinute: 12 });

  // The connector applies the settings on its command; a group message after it is the sender's.
  await waitFor('the group message stored', async () => {
    socket.emit('messages.upsert', { type: 'notify', messages: [inbound(`GRP${Date.now()}`, group.remoteJid, 'hello from the group', { participant: group.participant })] });
    const rows = await query(platform.databaseUrl, `select 1 from messages where channel_id = $1 and text = 'hello from the group'`, [channelId]);
    return rows.length > 0;
  });
  const texts = (await query(platform.databaseUrl, `select distinct text from messages where channel_id = $1 and direction = 'INBOUND' order by text`, [channelId])).map((r) => r.text);
  expect(texts).toEqual(['a direct message', 'hello from the group']);
  const [sender] = await query(platform.databaseUrl, `select c.contact_key from messages m join conversations v on v.id = m.conversation_id join contacts c on c.id = v.contact_id
    where m.channel_id = $1 and m.text = 'hello from the group' limit 1`, [channelId]);
  expect(sender.contact_key).toBe('4915144444444');
});

const MEDIA_QUERY = `query($c: ID!) { conversation(id: $c) { messages { id type text media { url mimeType size unavailableReason } } } }`;

async function mediaOf(externalId: string) {
  const [row] = await waitFor(`message ${externalId} stored`, async () => {
    const rows = await query(platform.databaseUrl, 'select id, conversation_id from messages where external_id = $1', [externalId]);
    return rows.length > 0 && rows;
  });
  return waitFor(`the media of ${externalId} stored or refused`, async () => {
    const { conversation } = await gqlOk(platform.url, MEDIA_QUERY, { c: row.conversation_id }, ws.token);
    const message = conversation.messages.find((m: { id: string }) => m.id === row.id);
    return (message?.media?.url || message?.media?.unavailableReason) && message;
  });
}

test('an image and a voice note are fetched from the media host, decrypted and served; a corrupted file is refused with why', async () => {
  const host = await startMediaHost();
  try {
    const { socket } = await openChannel('Media phone');
    const customerJid = '4915122222222@s.whatsapp.net';
    const image = readFixture<WAMessage>('baileys/motteteams-image.json');
    const voice = readFixture<WAMessage>('baileys/motteteams-audio-ptt.json');
    const png = solidPng(24, 16, [200, 40, 40]);
    // A voice note's bytes as the sniffer knows them (an Ogg page), padded past one AES block.
    const ogg = Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(60, 7)]);
    const sealedImage = await sealMedia(png, 'image');
    const sealedVoice = await sealMedia(ogg, 'audio');
    const sealedBroken = await sealMedia(png, 'image');
    // In transit one byte of a middle ciphertext block flips: it still decrypts (the PNG signature
    // and the padding intact), to bytes that are not the file.
    const broken = Buffer.from(sealedBroken.bytes);
    broken[48] ^= 0xff;
    host.files.set('/d/f/image.enc', sealedImage.bytes);
    host.files.set('/d/f/voice.enc', sealedVoice.bytes);
    host.files.set('/d/f/broken.enc', broken);

    // No directPath: Baileys then downloads from `url` as given (with a directPath it would build https://<url's host><directPath>).
    const withMedia = (base: WAMessage, id: string, kind: 'imageMessage' | 'audioMessage', path: string, sealed: SealedMedia, extra: object) =>
      ({
        ...base,
        key: { ...base.key, id, remoteJid: customerJid },
        messageTimestamp: Math.floor(Date.now() / 1000),
        message: { [kind]: { ...(base.message as any)[kind], ...sealed.fields, ...extra, url: host.url(path), directPath: null } },
      }) as WAMessage;
    socket.emit('messages.upsert', {
      type: 'notify',
      messages: [
        withMedia(image, 'IMG00001', 'imageMessage', '/d/f/image.enc', sealedImage, { mimetype: 'image/png', caption: 'our shop front' }),
        withMedia(voice, 'PTT00001', 'audioMessage', '/d/f/voice.enc', sealedVoice, {}),
      ],
    });

    const shownImage = await mediaOf('IMG00001');
    expect(shownImage).toMatchObject({ type: 'IMAGE', text: 'our shop front', media: { mimeType: 'image/png', size: png.length, unavailableReason: null } });
    const served = await fetch(`${platform.url}${shownImage.media.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);

    const shownVoice = await mediaOf('PTT00001');
    expect(shownVoice).toMatchObject({ type: 'VOICE', media: { mimeType: 'audio/ogg', size: ogg.length, unavailableReason: null } });
    expect(Buffer.from(await (await fetch(`${platform.url}${shownVoice.media.url}`)).arrayBuffer())).toEqual(ogg);

    socket.emit('messages.upsert', { type: 'notify', messages: [withMedia(image, 'IMG00002', 'imageMessage', '/d/f/broken.enc', sealedBroken, { mimetype: 'image/png', caption: 'again' })] });
    const refused = await mediaOf('IMG00002');
    expect(refused.media).toMatchObject({
      url: null,
      unavailableReason: 'the channel cannot fetch it: the downloaded file is corrupted (its SHA-256 is not the one the message announced)',
    });
    // The conversation goes on: the next message is answered.
    const before = sends(socket.channelId).length;
    socket.emit('messages.upsert', { type: 'notify', messages: [inbound('IN000900', customerJid, 'and the price?')] });
    const reply = await waitFor('the reply after the refused file', async () => sends(socket.channelId)[before]);
    expect(reply.args[1]).toEqual({ text: PRICE_REPLY });
  } finally {
    await host.close();
  }
});
