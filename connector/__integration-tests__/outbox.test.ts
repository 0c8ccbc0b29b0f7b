/**
 * The ingress outbox (connector/outbox.ts) with the whole platform in a child process: an inbound
 * row committed but never signalled (the process died between the two) is signalled by the
 * sweep and answered, once.
 */
import { randomUUID } from 'node:crypto';
import { toContactKey } from '../phone';
import { conversationWorkflowId } from '../../workflows/ids';
import { createWorkspace, gqlOk, query, startPlatform, waitFor, type PlatformProcess } from '../../test/support/platform';

const REPLY = 'Your order is on its way.';

let platform: PlatformProcess;

beforeAll(async () => {
  // The sweep every second, for rows older than half a second (test/support/platform.ts).
  platform = await startPlatform();
});

afterAll(() => platform?.stop());

it('signals a stored inbound message that was never signalled, and it is answered once', async () => {
  const ws = await createWorkspace(platform.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
  const from = '+4915100000081';
  const contactKey = toContactKey(from);
  // The ingress's own write (connector/inbound.ts), and then nothing: no signal, no mark.
  const [stored] = await query<{ result: string; message_id: string; conversation_id: string }>(
    platform.databaseUrl,
    'select * from parley_receive_inbound($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [ws.channelId, 'wamid.OUTBOX-1', contactKey, null, 'where is my order?', conversationWorkflowId(ws.channelId, contactKey), randomUUID(), randomUUID(), randomUUID()],
  );
  expect(stored.result).toBe('NEW');

  const replies = () => query<{ text: string; status: string }>(platform.databaseUrl, 'select text, status from messages where reply_to_id = $1', [stored.message_id]);
  await waitFor('the swept message to be answered', async () => (await replies()).some((r) => r.status === 'SENT'));
  const [row] = await query(platform.databaseUrl, 'select signaled_at from messages where id = $1', [stored.message_id]);
  expect(row.signaled_at).not.toBeNull();

  // Once the next message is answered, any second answer to the swept one would have been sent before it.
  const { simulateInbound: next } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
    { i: { channelId: ws.channelId, from, text: 'and my order number?' } },
    ws.token,
  );
  await waitFor('the next message to be answered', async () =>
    (await query(platform.databaseUrl, `select 1 from messages where reply_to_id = $1 and status = 'SENT'`, [next.id])).length > 0);
  const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { messages { senderType text } } }`, { id: stored.conversation_id }, ws.token);
  expect(conversation.messages).toEqual([
    { senderType: 'CONTACT', text: 'where is my order?' },
    { senderType: 'BOT', text: REPLY },
    { senderType: 'CONTACT', text: 'and my order number?' },
    { senderType: 'BOT', text: REPLY },
  ]);
  const wire = await query(platform.databaseUrl, 'select text from simulator_deliveries where to_phone = $1', [from]);
  expect(wire.map((w) => w.text)).toEqual([REPLY, REPLY]);
});
