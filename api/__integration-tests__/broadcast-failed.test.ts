/**
 * When a broadcast is FAILED (issue 12): when it cannot go on without someone fixing its channel.
 * Over the Cloud API (a wire-compatible fake Graph API) a channel whose access token Meta now
 * refuses (Graph error 190) fails the broadcast at its first send: that recipient FAILED with the
 * reason, the rest SKIPPED saying why, the broadcast FAILED with the error and its workflow Failed
 * in Temporal, and nobody else tried. A refusal of one recipient's number (131026) only fails that
 * recipient: the broadcast goes on and COMPLETES. A cancel of its workflow from Temporal itself ends it
 * CANCELLED, as cancelBroadcast does.
 */
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { createWorkspace, gql, gqlOk, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { startFakeGraphApi, type FakeGraphApi } from '../../test/support/fake-graph-api';
import { TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';

const PHONE_NUMBER_ID = '5550002';
const TOKEN = 'EAAG-broadcast-token';
const TOKEN_REFUSED = 'Graph API error 190: Invalid OAuth access token - Cannot parse access token';
const BROADCAST = 'status error total pending sent failed skipped uncertain finishedAt';

let graph: FakeGraphApi;
let platform: PlatformProcess;
let db: pg.Client;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  graph = await startFakeGraphApi();
  graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  platform = await startPlatform({ env: { GRAPH_API_URL: graph.url, GRAPH_API_TIMEOUT_MS: '3000' } });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) await recordHistories(temporal, 'broadcast-failed', 'broadcastWorkflow');
  await connection?.close();
  await db?.end();
  await platform?.stop();
  await graph?.close();
});

const phone = (prefix: string, i: number) => `+49163${prefix}${String(i).padStart(5, '0')}`;

/** A Cloud API channel, `n` labelled contacts (+49163<prefix><i>), and a template broadcast to them, created. */
async function campaign(prefix: string, n: number): Promise<{ ws: TestWorkspace; broadcastId: string }> {
  const ws = await createWorkspace(platform.url);
  const credentials = JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, businessAccountId: 'WABA', accessToken: TOKEN, appSecret: 'secret', verifyToken: 'v' });
  const { createChannel } = await gqlOk(platform.url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id } }`, { i: { kind: 'CLOUD_API', name: 'Cloud', credentials } }, ws.token);
  const { createLabel } = await gqlOk(platform.url, `mutation { createLabel(input: { name: "VIP", color: "#0000aa" }) { id } }`, {}, ws.token);
  await db.query(
    `with c as (
       insert into contacts (id, workspace_id, contact_key, phone, name)
       select gen_random_uuid(), $1, '49163' || $2 || lpad(i::text, 5, '0'), '+49163' || $2 || lpad(i::text, 5, '0'), 'Customer ' || i
       from generate_series(1, $3::int) i returning id
     ) insert into contact_labels (contact_id, label_id, workspace_id) select id, $4, $1 from c`,
    [ws.workspaceId, prefix, n, createLabel.id],
  );
  const { createBroadcast } = await gqlOk(
    platform.url,
    `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { id } }`,
    { i: { name: 'Spring', channelId: createChannel.id, template: { name: 'spring_sale', language: 'en', variables: ['{{contact.name}}'] }, audience: { labelIds: [createLabel.id] } } },
    ws.token,
  );
  return { ws, broadcastId: createBroadcast.id };
}

async function ended(ws: TestWorkspace, id: string): Promise<Record<string, any>> {
  return waitFor('the broadcast to end', async () => {
    const { broadcast } = await gqlOk(platform.url, `query($id: ID!) { broadcast(id: $id) { ${BROADCAST} } }`, { id }, ws.token);
    return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(broadcast.status) && broadcast;
  }, 60_000);
}

const recipients = async (broadcastId: string) =>
  (await db.query<{ phone: string; status: string; error: string | null }>(
    `select ct.phone, r.status, r.error from broadcast_recipients r join contacts ct on ct.id = r.contact_id where r.broadcast_id = $1 order by ct.phone`,
    [broadcastId],
  )).rows;

it('a channel whose credentials Meta refuses fails the broadcast at its first send, with the error', async () => {
  const { ws, broadcastId } = await campaign('1', 5);
  // The token was revoked on Meta's side after the channel was connected.
  graph.addPhoneNumber(PHONE_NUMBER_ID, 'EAAG-rotated-elsewhere');
  try {
    await gqlOk(platform.url, `mutation($id: ID!) { startBroadcast(id: $id) { id } }`, { id: broadcastId }, ws.token);
    const broadcast = await ended(ws, broadcastId);

    expect(broadcast).toMatchObject({ status: 'FAILED', error: TOKEN_REFUSED, total: 5, pending: 0, sent: 0, failed: 1, skipped: 4, uncertain: 0 });
    expect(broadcast.finishedAt).not.toBeNull();
    const rows = await recipients(broadcastId);
    expect(rows.filter((r) => r.status === 'FAILED').map((r) => r.error)).toEqual([TOKEN_REFUSED]);
    expect(new Set(rows.filter((r) => r.status === 'SKIPPED').map((r) => r.error))).toEqual(new Set([`not sent: the broadcast failed (${TOKEN_REFUSED})`]));
    // One attempt reached Meta, not one per recipient.
    expect(graph.sends().filter((s) => s.body?.type === 'template' && rows.some((r) => r.phone.slice(1) === s.body.to))).toHaveLength(1);

    const run = await temporal.workflow.getHandle(`broadcast:${broadcastId}`).describe();
    expect(run.status.name).toBe('FAILED');
    const paused = await gql(platform.url, `mutation($id: ID!) { pauseBroadcast(id: $id) { id } }`, { id: broadcastId }, ws.token);
    expect(paused.errors?.[0]).toMatchObject({ message: 'the broadcast is FAILED', extensions: { code: 'BAD_USER_INPUT' } });
  } finally {
    graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  }
});

it('a number Meta refuses fails that recipient only: the broadcast goes on and completes', async () => {
  const { ws, broadcastId } = await campaign('2', 4);
  graph.behave(phone('2', 2).slice(1), 'refuse');
  await gqlOk(platform.url, `mutation($id: ID!) { startBroadcast(id: $id) { id } }`, { id: broadcastId }, ws.token);
  const broadcast = await ended(ws, broadcastId);

  expect(broadcast).toMatchObject({ status: 'COMPLETED', error: null, total: 4, pending: 0, sent: 3, failed: 1, skipped: 0 });
  expect((await recipients(broadcastId)).find((r) => r.status === 'FAILED')).toEqual({ phone: phone('2', 2), status: 'FAILED', error: 'Graph API error 131026: Message undeliverable' });
  expect((await temporal.workflow.getHandle(`broadcast:${broadcastId}`).describe()).status.name).toBe('COMPLETED');
});

it('a cancel from Temporal itself (the Web UI) ends the broadcast CANCELLED, the rest SKIPPED, none pending', async () => {
  const ws = await createWorkspace(platform.url);
  const { createLabel } = await gqlOk(platform.url, `mutation { createLabel(input: { name: "All", color: "#00aa00" }) { id } }`, {}, ws.token);
  await db.query(
    `with c as (
       insert into contacts (id, workspace_id, contact_key, phone, name)
       select gen_random_uuid(), $1, '491633' || lpad(i::text, 5, '0'), '+491633' || lpad(i::text, 5, '0'), 'Customer ' || i from generate_series(1, 40) i returning id
     ) insert into contact_labels (contact_id, label_id, workspace_id) select id, $2, $1 from c`,
    [ws.workspaceId, createLabel.id],
  );
  const { createBroadcast: b } = await gqlOk(
    platform.url,
    `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { id } }`,
    { i: { name: 'Slow', channelId: ws.channelId, text: 'Hello', audience: { labelIds: [createLabel.id] }, ratePerMinute: 300 } },
    ws.token,
  );
  await gqlOk(platform.url, `mutation($id: ID!) { startBroadcast(id: $id) { id } }`, { id: b.id }, ws.token);
  const onWire = async () => (await db.query<{ n: number }>(`select count(distinct wire_id)::int as n from simulator_deliveries where idempotency_key like $1`, [`broadcast:${b.id}:%`])).rows[0].n;
  await waitFor('a first send', async () => (await onWire()) > 0);

  const handle = temporal.workflow.getHandle(`broadcast:${b.id}`);
  await handle.cancel();
  const broadcast = await ended(ws, b.id);
  expect(broadcast).toMatchObject({ status: 'CANCELLED', error: null, total: 40, pending: 0, failed: 0, uncertain: 0 });
  expect(broadcast.skipped).toBeGreaterThan(0);
  expect(broadcast.sent + broadcast.skipped).toBe(40);
  expect(await onWire()).toBe(broadcast.sent);
  expect(new Set((await recipients(b.id)).filter((r) => r.status === 'SKIPPED').map((r) => r.error))).toEqual(new Set(['broadcast cancelled']));
  expect((await handle.describe()).status.name).toBe('CANCELLED');
});
