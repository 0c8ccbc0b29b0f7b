/**
 * Inbound media end to end: a simulated image goes through the ingress to the conversation
 * workflow, which has its channel's connector download it (downloadMedia on `channel:<id>`) while
 * the bot replies; the bytes are stored in the local blob store and served at GET /media/:messageId
 * only to members of the message's workspace (a signed URL from Message.media.url, or a member's
 * token). A file that is not what its message says is refused and recorded as such.
 */
import { Client, Connection } from '@temporalio/client';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';
import { createWorkspace, gql, gqlOk, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { settledReply } from '../../test/support/sends';
import { TEST_JWT_SECRET, TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { signedMediaPath } from '../auth/media-url';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let platform: PlatformProcess;
let shop: TestWorkspace;
let rival: TestWorkspace;

beforeAll(async () => {
  platform = await startPlatform();
  [shop, rival] = [await createWorkspace(platform.url), await createWorkspace(platform.url)];
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) {
    const connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
    await recordHistories(new Client({ connection, dataConverter: testDataConverter() }), 'media');
    await connection.close();
  }
  await platform?.stop();
});

const MESSAGE = `query($c: ID!) { conversation(id: $c) { messages { id type text media { url mimeType fileName size unavailableReason } } } }`;

async function simulate(input: Record<string, unknown>) {
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId type media { url mimeType size } } }`,
    { i: { channelId: shop.channelId, ...input } },
    shop.token,
  );
  return simulateInbound as { id: string; conversationId: string; type: string; media: { url: string | null; mimeType: string; size: number } | null };
}

async function storedMedia(conversationId: string, messageId: string) {
  return waitFor('the media to be stored or refused', async () => {
    const { conversation } = await gqlOk(platform.url, MESSAGE, { c: conversationId }, shop.token);
    const message = conversation.messages.find((m: { id: string }) => m.id === messageId);
    return (message.media.url || message.media.unavailableReason) && message.media;
  });
}

it('downloads an inbound image beside the reply, and serves its bytes to the workspace only', async () => {
  const sent = await simulate({ from: '+4915100007001', text: 'our shop front', type: 'IMAGE', mediaUrl: `data:image/png;base64,${PNG.toString('base64')}` });
  expect(sent).toMatchObject({ type: 'IMAGE', media: { url: null, mimeType: 'image/png', size: PNG.length } });
  // The bot answers it as it answers any message.
  expect((await settledReply(platform.databaseUrl, sent.id)).status).toBe('SENT');

  const media = await storedMedia(sent.conversationId, sent.id);
  expect(media).toMatchObject({ mimeType: 'image/png', size: PNG.length, unavailableReason: null });
  expect(media.url).toMatch(new RegExp(`^/media/${sent.id}\\?expires=\\d+&signature=[0-9a-f]{64}$`));

  // The signed URL, as an <img> tag loads it: no token.
  const image = await fetch(`${platform.url}${media.url}`);
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toBe('image/png');
  expect(image.headers.get('content-disposition')).toMatch(/^inline/);
  expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
  // A member's token works too.
  expect((await fetch(`${platform.url}/media/${sent.id}`, { headers: { authorization: `Bearer ${shop.token}` } })).status).toBe(200);

  // Another workspace's member sees neither the message nor its file.
  const theirs = await gql(platform.url, MESSAGE, { c: sent.conversationId }, rival.token);
  expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const nothing = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${platform.url}${path}`, { headers });
    expect({ path, status: response.status }).toEqual({ path, status: 404 });
    expect(Buffer.from(await response.arrayBuffer()).includes(PNG)).toBe(false);
  };
  await nothing(`/media/${sent.id}`, { authorization: `Bearer ${rival.token}` });
  await nothing(`/media/${sent.id}`);
  // A URL signed for another workspace, one expired, one forged.
  await nothing(signedMediaPath(TEST_JWT_SECRET, rival.workspaceId, sent.id));
  await nothing(signedMediaPath(TEST_JWT_SECRET, shop.workspaceId, sent.id, Date.now() - 20 * 60_000));
  await nothing(media.url!.replace(/signature=[0-9a-f]{4}/, 'signature=0000'));
  await nothing(signedMediaPath('a-guessed-secret-that-is-not-the-platforms', shop.workspaceId, sent.id));
});

it('refuses an "image" whose bytes are not an image, and says why', async () => {
  const html = Buffer.from('<html><script>alert(1)</script></html>');
  const sent = await simulate({ from: '+4915100007002', text: 'look', type: 'IMAGE', mediaUrl: `data:image/png;base64,${html.toString('base64')}` });
  const media = await storedMedia(sent.conversationId, sent.id);
  expect(media).toMatchObject({ url: null, unavailableReason: 'the file is not image media (its content is of an unknown type)' });
  expect((await fetch(`${platform.url}/media/${sent.id}`, { headers: { authorization: `Bearer ${shop.token}` } })).status).toBe(404);
});

it('serves a document as a download under its name', async () => {
  const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1');
  const sent = await simulate({ from: '+4915100007003', text: '📄 menu.pdf', type: 'DOCUMENT', fileName: 'menu.pdf', mediaUrl: `data:application/pdf;base64,${pdf.toString('base64')}` });
  const media = await storedMedia(sent.conversationId, sent.id);
  expect(media).toMatchObject({ mimeType: 'application/pdf', fileName: 'menu.pdf', size: pdf.length });
  const file = await fetch(`${platform.url}${media.url}`);
  expect(file.headers.get('content-disposition')).toBe('attachment; filename="menu.pdf"');
  expect(Buffer.from(await file.arrayBuffer())).toEqual(pdf);
});

it('takes the simulator input apart field by field', async () => {
  const bad = async (input: Record<string, unknown>) => (await gql(platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`, { i: { channelId: shop.channelId, from: '+4915100007004', text: 'x', ...input } }, shop.token)).errors?.[0];
  expect(await bad({ type: 'IMAGE' })).toMatchObject({ message: 'mediaUrl: is required for a IMAGE message', extensions: { code: 'BAD_USER_INPUT', field: 'mediaUrl' } });
  expect(await bad({ type: 'IMAGE', mediaUrl: 'https://example.com/a.png' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'mediaUrl' } });
  expect(await bad({ location: { latitude: 1, longitude: 2 } })).toMatchObject({ message: 'location: is only for LOCATION messages', extensions: { field: 'location' } });
  expect(await bad({ replyToMessageId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
    message: 'replyToMessageId: no such message on this channel',
    extensions: { code: 'BAD_USER_INPUT', field: 'replyToMessageId' },
  });
});
