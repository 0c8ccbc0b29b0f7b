/**
 * Broadcasts under crashes (issue 12, "never twice"): 3,000 recipients over a simulator channel
 * whose wire deduplicates nothing (as the Cloud API's), so a recipient sent twice has two
 * DELIVERED attempts on the wire under two wire ids. The platform runs as real child processes,
 * killed with SIGKILL mid-broadcast at barriers counted on the wire. Afterwards the broadcast
 * completes, every recipient got at most one message, every one ended SENT, SKIPPED or UNCERTAIN
 * (never PENDING), and `broadcast(id)`'s counts are the rows' and the wire's.
 */
import { createWorkspace, gqlOk, query, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../support/platform';
import { createCloudLikeChannel } from '../support/sends';

const RECIPIENTS = 3000;
const OPTED_OUT = 10;
const PREVIOUS_ATTEMPT = 'The previous attempt may have reached WhatsApp; not resent automatically.';
const COUNTS = 'status total pending sent delivered read failed skipped uncertain error finishedAt';

interface Campaign {
  ws: TestWorkspace;
  channelId: string;
  broadcastId: string;
}

/**
 * A workspace with a cloud-like channel and RECIPIENTS sendable contacts plus OPTED_OUT opted-out
 * ones, all labelled; a broadcast to the label, created (not started).
 */
async function prepareCampaign(url: string, databaseUrl: string): Promise<Campaign> {
  const ws = await createWorkspace(url);
  const channelId = await createCloudLikeChannel(url, ws.token);
  const { createLabel } = await gqlOk(url, `mutation { createLabel(input: { name: "Everyone", color: "#00aa00" }) { id } }`, {}, ws.token);
  await query(
    databaseUrl,
    `with c as (
       insert into contacts (id, workspace_id, contact_key, phone, name, opted_out)
       select gen_random_uuid(), $1, '4916200' || lpad(i::text, 6, '0'), '+4916200' || lpad(i::text, 6, '0'), 'Customer ' || i, i > $2
       from generate_series(1, $2::int + $3::int) i returning id
     ) insert into contact_labels (contact_id, label_id, workspace_id) select id, $4, $1 from c`,
    [ws.workspaceId, RECIPIENTS, OPTED_OUT, createLabel.id],
  );
  const { createBroadcast } = await gqlOk(
    url,
    `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { id } }`,
    { i: { name: 'Winter sale', channelId, text: 'Hi {{contact.name}}, 20% off today.', audience: { labelIds: [createLabel.id] } } },
    ws.token,
  );
  return { ws, channelId, broadcastId: createBroadcast.id };
}

async function start(url: string, c: Campaign): Promise<void> {
  await gqlOk(url, `mutation($id: ID!) { startBroadcast(id: $id) { id } }`, { id: c.broadcastId }, c.ws.token);
}

/** Messages the wire has shown (DELIVERED attempts) on the campaign's channel. */
async function shownOnWire(databaseUrl: string, c: Campaign): Promise<number> {
  const [row] = await query<{ n: number }>(databaseUrl, `select count(*)::int as n from simulator_deliveries where channel_id = $1 and outcome = 'DELIVERED'`, [c.channelId]);
  return row.n;
}

const untilShown = (databaseUrl: string, c: Campaign, n: number) =>
  waitFor(`${n} broadcast messages on the wire`, async () => (await shownOnWire(databaseUrl, c)) >= n, 120_000);

async function completed(url: string, c: Campaign): Promise<Record<string, any>> {
  return waitFor(
    'the broadcast to complete',
    async () => {
      const { broadcast } = await gqlOk(url, `query($id: ID!) { broadcast(id: $id) { ${COUNTS} } }`, { id: c.broadcastId }, c.ws.token);
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(broadcast.status) && broadcast;
    },
    150_000,
  );
}

/**
 * What the crash test asks, from the wire up: no phone shown a message twice; every
 * recipient SENT, SKIPPED or UNCERTAIN; each SENT one is the one wire message its row names; an
 * UNCERTAIN one reached the wire at most once and says why; and the broadcast's counts are these.
 */
async function expectNeverTwice(databaseUrl: string, c: Campaign, broadcast: Record<string, any>): Promise<{ uncertain: number }> {
  const twice = await query(
    databaseUrl,
    `select to_phone, count(*)::int as shown from simulator_deliveries where channel_id = $1 and outcome = 'DELIVERED' group by to_phone having count(*) > 1`,
    [c.channelId],
  );
  expect(twice).toEqual([]);

  const recipients = await query<{ status: string; error: string | null; phone: string; wire: number; matches: number }>(
    databaseUrl,
    `select r.status, r.error, ct.phone,
       (select count(*)::int from simulator_deliveries d where d.channel_id = $2 and d.to_phone = ct.phone and d.outcome = 'DELIVERED') as wire,
       (select count(*)::int from simulator_deliveries d join messages m on m.id = r.message_id
          where d.channel_id = $2 and d.wire_id = m.external_id and d.idempotency_key = 'broadcast:' || r.broadcast_id || ':' || r.contact_id) as matches
     from broadcast_recipients r join contacts ct on ct.id = r.contact_id where r.broadcast_id = $1`,
    [c.broadcastId, c.channelId],
  );
  const by = (status: string) => recipients.filter((r) => r.status === status);
  expect(recipients).toHaveLength(RECIPIENTS + OPTED_OUT);
  expect(recipients.filter((r) => !['SENT', 'SKIPPED', 'UNCERTAIN'].includes(r.status))).toEqual([]);
  expect(by('SENT').filter((r) => r.wire !== 1 || r.matches !== 1)).toEqual([]);
  expect(by('UNCERTAIN').filter((r) => r.wire > 1 || r.error !== PREVIOUS_ATTEMPT)).toEqual([]);
  expect(by('SKIPPED').filter((r) => r.wire !== 0 || r.error !== 'opted out')).toEqual([]);
  expect(by('SKIPPED')).toHaveLength(OPTED_OUT);

  expect(broadcast).toMatchObject({
    status: 'COMPLETED',
    error: null,
    total: RECIPIENTS + OPTED_OUT,
    pending: 0,
    sent: by('SENT').length,
    delivered: 0,
    read: 0,
    failed: 0,
    skipped: OPTED_OUT,
    uncertain: by('UNCERTAIN').length,
  });
  expect(broadcast.finishedAt).not.toBeNull();
  // Every message the wire showed is a SENT recipient's or an UNCERTAIN one's: nothing else went out.
  expect(await shownOnWire(databaseUrl, c)).toBe(by('SENT').length + by('UNCERTAIN').filter((r) => r.wire === 1).length);
  return { uncertain: by('UNCERTAIN').length };
}

it('kill -9 of the worker, then of the connector that sends, mid-broadcast: it completes and no recipient gets a message twice', async () => {
  // The api first (it migrates the fresh database), then the other two side by side.
  const api = await startPlatform({ roles: 'api' });
  const { databaseUrl } = api;
  let [worker, connector] = await Promise.all([startPlatform({ roles: 'worker', databaseUrl }), startPlatform({ roles: 'connector', databaseUrl })]);
  try {
    const campaign = await prepareCampaign(api.url, databaseUrl);
    await start(api.url, campaign);

    // The workflow's process dies; the batch already on the connector's queue goes on without it.
    await untilShown(databaseUrl, campaign, 600);
    await worker.kill();
    worker = await startPlatform({ roles: 'worker', databaseUrl });

    // The process that holds the channel dies at whatever point of a send it was in.
    await untilShown(databaseUrl, campaign, 1500);
    await connector.kill();
    connector = await startPlatform({ roles: 'connector', databaseUrl });

    await expectNeverTwice(databaseUrl, campaign, await completed(api.url, campaign));
  } finally {
    await Promise.all([connector.stop(), worker.stop()]);
    await api.stop();
  }
}, 180_000);

it('kill -9 of the whole platform mid-broadcast, once inside a channel call: UNCERTAIN, not resent; it completes and no recipient gets a message twice', async () => {
  // The first run dies right after the wire took its 800th message, before that send is marked SENT.
  let platform = await startPlatform({ env: { PARLEY_TEST_FAULTS: 'kill-after-channel-send:800' } });
  const { databaseUrl } = platform;
  try {
    const campaign = await prepareCampaign(platform.url, databaseUrl);
    await start(platform.url, campaign);
    await waitFor('the platform to kill itself inside a send', async () => platform.process.signalCode === 'SIGKILL', 120_000);
    // (801 when a batch retried under load ran beside its timed-out attempt for a moment.)
    expect(await shownOnWire(databaseUrl, campaign)).toBeGreaterThanOrEqual(800);

    platform = await startPlatform({ databaseUrl });
    // And once more, at a moment the test picks.
    await untilShown(databaseUrl, campaign, 2000);
    await platform.kill();
    platform = await startPlatform({ databaseUrl });

    const { uncertain } = await expectNeverTwice(databaseUrl, campaign, await completed(platform.url, campaign));
    // At least the send the first crash cut: on the wire once, its SENT mark lost, and not sent again.
    expect(uncertain).toBeGreaterThanOrEqual(1);
  } finally {
    await platform.stop();
  }
}, 180_000);
