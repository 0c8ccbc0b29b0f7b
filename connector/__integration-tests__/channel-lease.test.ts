/**
 * Exactly one connector process holds a WhatsApp Web channel's socket: two connectors on one
 * database never both open it, and when the holder is killed (kill -9) the other takes it over
 * within the lease's time to live.
 */
import { createWorkspace, gqlOk, query, startPlatform, waitFor, type PlatformProcess } from '../../test/support/platform';
import { startFakeBaileys, type FakeBaileys } from '../../test/support/fake-baileys';

jest.setTimeout(180_000);

const LEASE = { CHANNEL_LEASE_HEARTBEAT_MS: '1000', CHANNEL_LEASE_TTL_MS: '4000' };
const TTL_MS = Number(LEASE.CHANNEL_LEASE_TTL_MS);

let fake: FakeBaileys;
let api: PlatformProcess;
const connectors: PlatformProcess[] = [];

beforeAll(async () => {
  fake = await startFakeBaileys();
  api = await startPlatform({ roles: 'api,worker', env: { ...fake.env, ...LEASE } });
  for (let i = 0; i < 2; i++) connectors.push(await startPlatform({ roles: 'connector', databaseUrl: api.databaseUrl, env: { ...fake.env, ...LEASE } }));
});

afterAll(async () => {
  for (const p of [...connectors, api]) await p?.stop();
  await fake?.close();
});

test('two connectors never both hold a channel; kill -9 of the holder hands it to the other within the lease ttl', async () => {
  const ws = await createWorkspace(api.url);
  const { createChannel } = await gqlOk(api.url, `mutation { createChannel(input: { kind: BAILEYS, name: "Leased" }) { id } }`, {}, ws.token);
  const channelId = createChannel.id as string;
  const first = await fake.socket(channelId);
  const holder = connectors.find((c) => c.process.pid === first.pid)!;
  const other = connectors.find((c) => c !== holder)!;
  expect(holder).toBeDefined();
  first.emit('connection.update', { connection: 'open' });

  // Barrier: the holder renews its lease a few times while the other connector keeps trying to take it.
  const [{ heartbeat_at: since }] = await query(api.databaseUrl, 'select heartbeat_at from channel_leases where channel_id = $1', [channelId]);
  await waitFor('three more heartbeats', async () => {
    const [lease] = await query(api.databaseUrl, 'select owner_id, heartbeat_at from channel_leases where channel_id = $1', [channelId]);
    return lease.heartbeat_at.getTime() - since.getTime() >= 3000 && lease;
  });
  expect(fake.sockets.filter((s) => s.channelId === channelId)).toHaveLength(1);
  const [{ status }] = await query(api.databaseUrl, 'select status from channels where id = $1', [channelId]);
  expect(status).toBe('CONNECTED');

  const killedAt = Date.now();
  await holder.kill();
  const second = await fake.socket(channelId, 2);
  const tookOverMs = Date.now() - killedAt;
  expect(second.pid).toBe(other.process.pid);
  expect(tookOverMs).toBeLessThan(TTL_MS + 2 * Number(LEASE.CHANNEL_LEASE_HEARTBEAT_MS) + 1000);
  second.emit('connection.update', { connection: 'open' });
  await waitFor('CONNECTED again', async () => (await query(api.databaseUrl, 'select status from channels where id = $1', [channelId]))[0].status === 'CONNECTED');
  expect(fake.sockets.filter((s) => s.channelId === channelId)).toHaveLength(2);

  // A holder that finds its lease taken (here, by hand) closes the socket at its next heartbeat.
  await query(api.databaseUrl, `update channel_leases set owner_id = 'another-connector', expires_at = now() + interval '1 hour' where channel_id = $1`, [channelId]);
  await waitFor('the socket closed', async () => second.ended());
});
