/**
 * The connector (it runs the sends, on `channel:<id>`) is killed between the channel call and
 * the SENT mark (PARLEY_TEST_FAULTS=kill-after-channel-send:1). The message was on the wire and
 * its row says SENDING. On a wire that takes a repeat as the same message the retry sends the
 * same wire id and the phone shows it once; on a wire that deduplicates nothing the retry must
 * not send again: the message ends UNCERTAIN with the reason, and the wire has one attempt.
 */
import { createWorkspace, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../support/platform';
import { createCloudLikeChannel, replyRow, settledReply, wireAttempts, type SendRow } from '../support/sends';

const REPLY = 'Your order is confirmed.';
const KILL_AFTER_FIRST_SEND = { PARLEY_TEST_FAULTS: 'kill-after-channel-send:1' };

let platform: PlatformProcess;
let shop: TestWorkspace;
/** A second simulator channel of the same workspace whose wire has no idempotency (as the Cloud API). */
let cloudLikeChannelId: string;
let connector: PlatformProcess | undefined;

beforeAll(async () => {
  platform = await startPlatform({ roles: 'api,worker' });
  shop = await createWorkspace(platform.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
  cloudLikeChannelId = await createCloudLikeChannel(platform.url, shop.token);
});

afterEach(async () => {
  await connector?.stop();
  connector = undefined;
});

afterAll(async () => {
  await platform?.stop();
});

const inbound = async (channelId: string, from: string, text: string) => (await simulateInbound(platform.url, { ...shop, channelId }, from, text)).id;
const reply = (inboundId: string) => replyRow(platform.databaseUrl, inboundId);
const wire = (idempotencyKey: string) => wireAttempts(platform.databaseUrl, idempotencyKey);

/**
 * Writes to the channel through a connector that dies right after the wire takes the reply;
 * returns the reply's row as the crash left it.
 */
async function crashMidSend(channelId: string, from: string): Promise<{ inboundId: string; afterCrash: SendRow }> {
  const dying = await startPlatform({ roles: 'connector', databaseUrl: platform.databaseUrl, env: KILL_AFTER_FIRST_SEND });
  const inboundId = await inbound(channelId, from, 'my order please');
  await waitFor('the connector to kill itself after the channel send', async () => dying.process.signalCode === 'SIGKILL', 60_000);
  return { inboundId, afterCrash: (await reply(inboundId))! };
}

/** The reply once its send has ended, on a connector that is not killed. */
async function settledAfterRestart(inboundId: string): Promise<SendRow> {
  connector = await startPlatform({ roles: 'connector', databaseUrl: platform.databaseUrl });
  return settledReply(platform.databaseUrl, inboundId, 90_000);
}

it('on a wire with idempotency, the retry sends the same wire id and the message is SENT, shown once', async () => {
  const { inboundId, afterCrash } = await crashMidSend(shop.channelId, '+4915100007001');
  const settled = await settledAfterRestart(inboundId);

  const attempts = await wire(settled.idempotency_key);
  expect(new Set(attempts.map((a) => a.wire_id))).toEqual(new Set([settled.external_id]));
  expect(attempts.map((a) => a.outcome)).toEqual(['DELIVERED', 'DUPLICATE']);
  expect(settled).toMatchObject({ status: 'SENT', send_attempts: 2 });
  // Recorded before the channel call, and the call reached the wire: only the SENT mark was missing.
  expect(afterCrash).toMatchObject({ status: 'SENDING', send_attempts: 1, external_id: null });
});

it('on a wire without idempotency, the retry does not send again: UNCERTAIN with the reason, one attempt on the wire', async () => {
  const from = '+4915100007002';
  const { inboundId, afterCrash } = await crashMidSend(cloudLikeChannelId, from);
  const settled = await settledAfterRestart(inboundId);

  // A second attempt here would carry a second wire id: the customer would see the reply twice.
  expect((await wire(settled.idempotency_key)).map((a) => a.outcome)).toEqual(['DELIVERED']);
  expect(settled).toMatchObject({
    status: 'UNCERTAIN',
    failure_reason: 'The previous attempt may have reached WhatsApp; not resent automatically.',
    send_attempts: 1,
  });
  expect(afterCrash).toMatchObject({ status: 'SENDING', send_attempts: 1, external_id: null });

  // A barrier: the conversation's next reply goes out after the retry that found the row SENDING.
  const next = await inbound(cloudLikeChannelId, from, 'another order');
  await waitFor('the next reply to be SENT', async () => (await reply(next))?.status === 'SENT', 60_000);
  expect((await wire(settled.idempotency_key)).map((a) => a.outcome)).toEqual(['DELIVERED']);
  expect(await reply(inboundId)).toMatchObject({ status: 'UNCERTAIN', send_attempts: 1 });
});
