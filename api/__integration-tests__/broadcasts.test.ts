/**
 * Broadcasts end to end to the simulator (issue 12): variables substituted, opted-out, blocked and
 * invalid numbers SKIPPED, pause holds (no send while paused, proven against a barrier: a later
 * conversation reply on the same channel), resume finishes, cancel stops, a scheduled one waits for
 * its time. Real Parley (api + worker + connector), Postgres and Temporal.
 */
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { createWorkspace, gql, gqlOk, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';

let platform: PlatformProcess;
let db: pg.Client;

beforeAll(async () => {
  platform = await startPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) {
    const connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
    await recordHistories(new Client({ connection, dataConverter: testDataConverter() }), 'broadcasts', 'broadcastWorkflow');
    await connection.close();
  }
  await db?.end();
  await platform?.stop();
});

const BROADCAST = `id name status total pending sent delivered read failed skipped uncertain startedAt finishedAt temporalUrl`;

/** Contacts as an import writes them, labelled `labelId`; phones +49160<prefix><i>. */
async function seed(ws: TestWorkspace, labelId: string, prefix: string, n: number, extra: { optedOut?: boolean; blocked?: boolean; phone?: string } = {}): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `with c as (
       insert into contacts (id, workspace_id, contact_key, phone, name, fields, opted_out, blocked)
       select gen_random_uuid(), $1, coalesce($5, '49160' || $2 || lpad(i::text, 5, '0')), coalesce('+' || $5, '+49160' || $2 || lpad(i::text, 5, '0')),
         'Name ' || $2 || i, jsonb_build_object('city', 'City' || i), $3, $4
       from generate_series(1, $6::int) i returning id
     ), l as (insert into contact_labels (contact_id, label_id, workspace_id) select id, $7, $1 from c)
     select id from c`,
    [ws.workspaceId, prefix, extra.optedOut ?? false, extra.blocked ?? false, extra.phone ?? null, n, labelId],
  );
  return rows.map((r) => r.id);
}

async function label(ws: TestWorkspace, name: string): Promise<string> {
  return (await gqlOk(platform.url, `mutation($n: String!) { createLabel(input: { name: $n, color: "#aa0000" }) { id } }`, { n: name }, ws.token)).createLabel.id;
}

async function create(ws: TestWorkspace, input: object): Promise<{ id: string }> {
  return (await gqlOk(platform.url, `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { ${BROADCAST} } }`, { i: { channelId: ws.channelId, ...input } }, ws.token)).createBroadcast;
}

const act = (ws: TestWorkspace, op: string, id: string) => gqlOk(platform.url, `mutation($id: ID!) { ${op}(id: $id) { ${BROADCAST} } }`, { id }, ws.token);
const show = async (ws: TestWorkspace, id: string) => (await gqlOk(platform.url, `query($id: ID!) { broadcast(id: $id) { ${BROADCAST} } }`, { id }, ws.token)).broadcast;
const statusIs = (ws: TestWorkspace, id: string, status: string) =>
  waitFor(`broadcast ${status}`, async () => {
    const b = await show(ws, id);
    return b.status === status && b;
  }, 60_000);

/** What the simulator's wire received for a broadcast: attempts and distinct wire messages per key. */
async function wire(broadcastId: string): Promise<{ attempts: number; messages: number; texts: string[] }> {
  const { rows } = await db.query(
    `select count(*)::int as attempts, count(distinct wire_id)::int as messages, coalesce(array_agg(distinct text) filter (where text is not null), '{}') as texts
       from simulator_deliveries where idempotency_key like $1`,
    [`broadcast:${broadcastId}:%`],
  );
  return rows[0];
}

describe('broadcasts', () => {
  it('sends the text with variables to the audience, skips opted-out, blocked and invalid numbers, and counts each', async () => {
    const ws = await createWorkspace(platform.url);
    const vip = await label(ws, 'VIP');
    await seed(ws, vip, '1', 5);
    await seed(ws, vip, '2', 1, { optedOut: true });
    await seed(ws, vip, '3', 1, { blocked: true });
    await seed(ws, vip, '4', 1, { phone: '12' });
    const other = await createWorkspace(platform.url);
    await seed(other, await label(other, 'VIP'), '1', 3);

    const count = await gqlOk(platform.url, `query($a: BroadcastAudienceInput!) { broadcastAudienceCount(audience: $a) { total sendable } }`, { a: { labelIds: [vip] } }, ws.token);
    expect(count.broadcastAudienceCount).toEqual({ total: 8, sendable: 6 });

    const b = await create(ws, { name: 'Spring', text: 'Hi {{contact.name}} from {{contact.fields.city}}!', audience: { labelIds: [vip] } });
    expect(b).toMatchObject({ status: 'DRAFT', total: 0 });
    await act(ws, 'startBroadcast', b.id);
    const done = await statusIs(ws, b.id, 'COMPLETED');
    expect(done).toMatchObject({ total: 8, pending: 0, sent: 5, skipped: 3, failed: 0, uncertain: 0 });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(done.temporalUrl).toContain(encodeURIComponent(`broadcast:${b.id}`));

    const onWire = await wire(b.id);
    expect(onWire.messages).toBe(5);
    expect(onWire.texts.sort()).toEqual([1, 2, 3, 4, 5].map((i) => `Hi Name 1${i} from City${i}!`).sort());

    const { broadcast } = await gqlOk(
      platform.url,
      `query($id: ID!) { broadcast(id: $id) { recipients(first: 10, status: SKIPPED) { edges { node { contact { phone name } status error sentAt } } } } }`,
      { id: b.id },
      ws.token,
    );
    expect(broadcast.recipients.edges.map((e: any) => e.node.error).sort()).toEqual(['blocked', 'invalid number', 'opted out']);
    // Another workspace sees nothing of it.
    expect((await gqlOk(platform.url, `query($id: ID!) { broadcast(id: $id) { id } }`, { id: b.id }, other.token)).broadcast).toBeNull();
  });

  it('holds while paused (nothing sent), finishes on resume', async () => {
    const ws = await createWorkspace(platform.url);
    const l = await label(ws, 'L');
    await seed(ws, l, '5', 40);
    const b = await create(ws, { name: 'Paced', text: 'Hello {{contact.name}}', audience: { labelIds: [l] }, ratePerMinute: 600 });
    await act(ws, 'startBroadcast', b.id);
    await waitFor('a first send', async () => (await wire(b.id)).messages > 0);
    await act(ws, 'pauseBroadcast', b.id);
    const paused = await statusIs(ws, b.id, 'PAUSED');
    expect(paused.pending).toBeGreaterThan(0);
    const heldAt = await wire(b.id);
    // Barrier: a conversation reply on the same channel goes out after the pause, so the channel's worker is sending.
    const inbound = await simulateInbound(platform.url, ws, '+4915199999999', 'hello');
    await waitFor('the reply', async () => (await db.query(`select 1 from messages where reply_to_id = $1 and status = 'SENT'`, [inbound.id])).rowCount);
    expect(await wire(b.id)).toEqual(heldAt);
    expect((await show(ws, b.id)).status).toBe('PAUSED');

    await act(ws, 'resumeBroadcast', b.id);
    const done = await statusIs(ws, b.id, 'COMPLETED');
    expect(done).toMatchObject({ total: 40, sent: 40, pending: 0 });
    expect((await wire(b.id)).messages).toBe(40);
  });

  it('stops on cancel: the rest SKIPPED, none pending', async () => {
    const ws = await createWorkspace(platform.url);
    const l = await label(ws, 'L');
    await seed(ws, l, '6', 40);
    const b = await create(ws, { name: 'Stop me', text: 'Hello', audience: { labelIds: [l] }, ratePerMinute: 300 });
    await act(ws, 'startBroadcast', b.id);
    await waitFor('a first send', async () => (await wire(b.id)).messages > 0);
    await act(ws, 'cancelBroadcast', b.id);
    const done = await statusIs(ws, b.id, 'CANCELLED');
    expect(done.pending).toBe(0);
    expect(done.skipped).toBeGreaterThan(0);
    expect(done.sent + done.skipped).toBe(40);
    expect((await wire(b.id)).messages).toBe(done.sent);
  });

  it('waits for scheduledAt, then sends', async () => {
    const ws = await createWorkspace(platform.url);
    const l = await label(ws, 'L');
    await seed(ws, l, '7', 2);
    const at = new Date(Date.now() + 3000);
    const b = await create(ws, { name: 'Later', text: 'Hi', audience: { labelIds: [l] }, scheduledAt: at.toISOString() });
    expect((await act(ws, 'startBroadcast', b.id)).startBroadcast.status).toBe('SCHEDULED');
    expect((await wire(b.id)).attempts).toBe(0);
    await statusIs(ws, b.id, 'COMPLETED');
    const { rows } = await db.query(`select min(delivered_at) as first from simulator_deliveries where idempotency_key like $1`, [`broadcast:${b.id}:%`]);
    expect(new Date(rows[0].first).getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('answers an inbound keyword while 10,000 broadcast sends are queued', async () => {
    const ws = await createWorkspace(platform.url);
    await gqlOk(platform.url, `mutation { createKeywordRule(input: { keywords: ["price"], matchType: EXACT, reply: "It is 5 EUR" }) { id } }`, {}, ws.token);
    const l = await label(ws, 'Many');
    await seed(ws, l, '8', 10_000);
    const b = await create(ws, { name: 'Big', text: 'Hello {{contact.name}}', audience: { labelIds: [l] } });
    await act(ws, 'startBroadcast', b.id);
    await waitFor('a first send', async () => (await wire(b.id)).messages > 0, 60_000);
    const started = Date.now();
    const inbound = await simulateInbound(platform.url, ws, '+4915188888888', 'price');
    const reply = await waitFor('the keyword reply', async () => (await db.query(`select text from messages where reply_to_id = $1 and status = 'SENT'`, [inbound.id])).rows[0]);
    const took = Date.now() - started;
    expect(reply.text).toBe('It is 5 EUR');
    // The broadcast was still under way when the reply went out.
    expect((await show(ws, b.id)).pending).toBeGreaterThan(0);
    expect(took).toBeLessThan(5_000);
    await act(ws, 'cancelBroadcast', b.id);
    await statusIs(ws, b.id, 'CANCELLED');
  });

  it('edits a draft (the whole input, validated as on create) and refuses once it has started', async () => {
    const ws = await createWorkspace(platform.url);
    const first = await label(ws, 'First');
    const second = await label(ws, 'Second');
    await seed(ws, first, '9', 1);
    await seed(ws, second, '0', 2);
    const b = await create(ws, { name: 'Draft', text: 'Old {{contact.name}}', audience: { labelIds: [first] }, ratePerMinute: 10 });
    const update = (input: object) =>
      gql(platform.url, `mutation($id: ID!, $i: CreateBroadcastInput!) { updateBroadcast(id: $id, input: $i) { ${BROADCAST} text audience ratePerMinute scheduledAt } }`,
        { id: b.id, i: { channelId: ws.channelId, ...input } }, ws.token);

    const bad = await update({ name: 'Draft', text: '  ', audience: { labelIds: [second] } });
    expect(bad.errors?.[0]).toMatchObject({ message: 'text: must not be empty', extensions: { code: 'BAD_USER_INPUT', field: 'text' } });
    const edited = await update({ name: 'Edited', text: 'New {{contact.name}}', audience: { labelIds: [second] } });
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updateBroadcast).toMatchObject({ name: 'Edited', status: 'DRAFT', text: 'New {{contact.name}}', audience: { labelIds: [second] }, ratePerMinute: null });

    await act(ws, 'startBroadcast', b.id);
    const done = await statusIs(ws, b.id, 'COMPLETED');
    expect(done).toMatchObject({ total: 2, sent: 2 });
    expect((await wire(b.id)).texts.sort()).toEqual(['New Name 01', 'New Name 02']);
    const late = await update({ name: 'Too late', text: 'x', audience: { labelIds: [first] } });
    expect(late.errors?.[0]).toMatchObject({ message: 'the broadcast is COMPLETED: only a draft can be edited', extensions: { code: 'BAD_USER_INPUT' } });
    // Another workspace cannot reach it.
    const other = await createWorkspace(platform.url);
    const foreign = await gql(platform.url, `mutation($id: ID!, $i: CreateBroadcastInput!) { updateBroadcast(id: $id, input: $i) { id } }`,
      { id: b.id, i: { channelId: other.channelId, name: 'x', text: 'x', audience: { labelIds: [first] } } }, other.token);
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('deletes a draft, or one cancelled before it reached anybody; keeps one that was sent', async () => {
    const ws = await createWorkspace(platform.url);
    const vip = await label(ws, 'VIP');
    await seed(ws, vip, '7', 1);
    const remove = (id: string, token = ws.token) => gql(platform.url, `mutation($id: ID!) { deleteBroadcast(id: $id) }`, { id }, token);
    const listed = async () => (await gqlOk(platform.url, `{ broadcasts(first: 20) { edges { node { id } } } }`, {}, ws.token)).broadcasts.edges.map((e: { node: { id: string } }) => e.node.id);

    const draft = await create(ws, { name: 'Draft', text: 'Hi', audience: { labelIds: [vip] } });
    const other = await createWorkspace(platform.url);
    expect((await remove(draft.id, other.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await remove(draft.id)).data?.deleteBroadcast).toBe(true);
    expect(await listed()).not.toContain(draft.id);
    expect((await remove(draft.id)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const scheduled = await create(ws, { name: 'Later', text: 'Hi', audience: { labelIds: [vip] }, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
    await act(ws, 'startBroadcast', scheduled.id);
    await act(ws, 'cancelBroadcast', scheduled.id);
    await statusIs(ws, scheduled.id, 'CANCELLED');
    expect((await remove(scheduled.id)).data?.deleteBroadcast).toBe(true);

    const sent = await create(ws, { name: 'Sent', text: 'Hi', audience: { labelIds: [vip] } });
    await act(ws, 'startBroadcast', sent.id);
    await statusIs(ws, sent.id, 'COMPLETED');
    expect((await remove(sent.id)).errors?.[0]).toMatchObject({
      message: 'the broadcast is COMPLETED: only a draft, or one that reached nobody, can be deleted (the others are kept for their reports)', extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await listed()).toEqual([sent.id]);
  });

  it('validates its input and roles', async () => {
    const ws = await createWorkspace(platform.url);
    const bad = await gql(platform.url, `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { id } }`, { i: { name: 'x', channelId: ws.channelId, text: 'a', template: { name: 't', language: 'en' }, audience: { labelIds: [], segmentId: null } } }, ws.token);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
