/**
 * The Cloud API adapter on its own, over a real Postgres (credentials sealed on the channel row,
 * the rate limit, the window), the local-disk blob store and the fake Graph API: what the conversation
 * suite cannot reach through the product yet (a stored file sent as media) and mark read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createOrm, migrate, type Orm } from '../../../../schema/orm';
import { Workspace } from '../../../../schema/entities/workspace.entity';
import { Channel } from '../../../../schema/entities/channel.entity';
import { encryptSecret } from '../../../../schema/crypto';
import { createTestDatabase } from '../../../../test/support/platform';
import { TEST_ENCRYPTION_KEY } from '../../../../test/support/services-env';
import { startFakeGraphApi, type FakeGraphApi } from '../../../../test/support/fake-graph-api';
import { createLocalDiskStore } from '../../../media/local-disk.store';
import { mediaBlobKey } from '../../../media/blob-store';
import { NotAcceptedError, type ChannelAdapter } from '../../port';
import { broadcastSendsPerSecond, createCloudApiChannel } from '../cloud-api.channel';
import { createCloudCredentialStore, credentialsScope } from '../credentials';

const KEY = Buffer.from(TEST_ENCRYPTION_KEY, 'base64');
const TOKEN = 'EAAG-adapter-token';
const PHONE_NUMBER_ID = '5550777';

let orm: Orm;
let graph: FakeGraphApi;
let adapter: ChannelAdapter;
let channelId: string;
let blobDir: string;
const blobs = () => createLocalDiskStore(blobDir);

beforeAll(async () => {
  graph = await startFakeGraphApi();
  graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  orm = await createOrm(await createTestDatabase(), 2);
  await migrate(orm);
  const em = orm.em.fork();
  const workspace = em.create(Workspace, { id: randomUUID(), name: 'Adapter Shop' });
  channelId = randomUUID();
  const credentials = { phoneNumberId: PHONE_NUMBER_ID, businessAccountId: 'WABA', accessToken: TOKEN, appSecret: 's', verifyToken: 'v' };
  em.create(Channel, { id: channelId, workspaceId: workspace.id, kind: 'CLOUD_API', name: 'Cloud', status: 'CONNECTED', credentialsEncrypted: encryptSecret(KEY, JSON.stringify(credentials), credentialsScope(channelId)) });
  await em.flush();
  blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-blobs-'));
  adapter = createCloudApiChannel({ orm, graph: { baseUrl: graph.url, version: 'v23.0', timeoutMs: 2000 }, credentials: createCloudCredentialStore(orm, KEY), blobs: blobs() }, channelId);
});

afterAll(async () => {
  await orm?.close();
  await graph?.close();
  if (blobDir) fs.rmSync(blobDir, { recursive: true, force: true });
});

it('sends a stored file by uploading it first, then sending the media id with its caption and file name', async () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300, 1)]);
  const blobKey = mediaBlobKey(randomUUID(), randomUUID());
  await blobs().put(blobKey, pdf, { mimeType: 'application/pdf', maxBytes: 1024 * 1024 });

  const { externalId } = await adapter.send({
    idempotencyKey: 'k-doc', to: '+4915400000901', text: 'Your receipt',
    content: { kind: 'media', media: 'document', blobKey, mimeType: 'application/pdf', fileName: 'receipt.pdf' },
  });

  const upload = graph.requests.find((r) => r.path === `/v23.0/${PHONE_NUMBER_ID}/media`)!;
  expect(upload.authorization).toBe(`Bearer ${TOKEN}`);
  expect(upload.raw.includes(pdf)).toBe(true);
  expect(upload.raw.toString('latin1')).toContain('filename="receipt.pdf"');
  const [send] = graph.sends('+4915400000901');
  expect(send.body).toMatchObject({ type: 'document', document: { id: upload.answeredId, caption: 'Your receipt', filename: 'receipt.pdf' } });
  expect(externalId).toBe(send.answeredId);
});

it('marks a customer\'s message read (status read with its wamid), which is not a send', async () => {
  await adapter.markRead!({ externalId: 'wamid.customer-1', from: '+4915400000902' });
  const read = graph.requests.filter((r) => r.body?.status === 'read');
  expect(read.map((r) => r.body)).toEqual([{ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.customer-1' }]);
  expect(graph.sends('+4915400000902')).toEqual([]);
});

it('refuses a stored file that is gone, for good and before any message goes out', async () => {
  const before = graph.requests.length;
  await expect(adapter.send({ idempotencyKey: 'k-gone', to: '+4915400000903', text: '', content: { kind: 'media', media: 'image', blobKey: mediaBlobKey(randomUUID(), randomUUID()), mimeType: 'image/jpeg' } }))
    .rejects.toThrow(/is gone/);
  expect(graph.requests.length).toBe(before);
});

it('broadcast sends stop short of the per-second limit, so a conversation\'s reply still finds room in a second a broadcast fills', async () => {
  const rate = 10;
  const limited = createCloudApiChannel({ orm, graph: { baseUrl: graph.url, version: 'v23.0', timeoutMs: 2000 }, credentials: createCloudCredentialStore(orm, KEY), blobs: blobs() }, channelId, rate);
  expect(broadcastSendsPerSecond(rate)).toBe(9);
  // Broadcast sends until the limiter refuses one: within a second that is after 9 (a new second starts the count again).
  let refused: unknown = null;
  for (let i = 0; i < 3 * rate && !refused; i++) {
    await limited.send({ idempotencyKey: `broadcast:b:${i}`, to: '+4915400000904', text: `offer ${i}`, priority: 'broadcast' }).catch((err) => (refused = err));
  }
  expect(refused).toEqual(new NotAcceptedError(`broadcasts may send 9 of the channel's 10 messages/s (the rest is kept for conversations); nothing was sent`));
  const before = graph.sends('+4915400000905').length;
  await limited.send({ idempotencyKey: 'reply-1', to: '+4915400000905', text: 'your order shipped' });
  expect(graph.sends('+4915400000905').length).toBe(before + 1);
});
