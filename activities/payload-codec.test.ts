/** The payload codec: what it seals, what it passes through, key rotation, scopes and tampering. */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, str, type Payload } from '@temporalio/common';
import { createPayloadCodec, payloadKeys, payloadScope, scopeChannelId } from './payload-codec';

const KEY = randomBytes(32);
const CHANNEL = '24770e01-46e5-4832-b2ca-3dc71bf5ed53';
const conversation = { type: 'workflow' as const, namespace: 'default', workflowId: `conversation:${CHANNEL}:4915112345678` };
const message = defaultPayloadConverter.toPayload({ text: 'my order number is 4711', from: '+4915112345678' });

test('seals a payload so neither its text nor its encoding shows, and opens it again', async () => {
  const codec = createPayloadCodec(payloadKeys(KEY));
  const [sealed] = await codec.encode([message], conversation);
  expect(str(sealed.metadata!.encoding!)).toBe('binary/encrypted');
  expect(Buffer.from(sealed.data!).includes('4711')).toBe(false);
  expect(Buffer.from(sealed.data!).includes('json/plain')).toBe(false);
  const [opened] = await codec.decode([sealed]);
  expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ text: 'my order number is 4711', from: '+4915112345678' });
});

test('two seals of the same payload differ (a fresh IV each time)', async () => {
  const codec = createPayloadCodec(payloadKeys(KEY));
  const [a, b] = await codec.encode([message, message], conversation);
  expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
});

test("a conversation's payloads, and its activities', are scoped to its channel; others have no scope", async () => {
  const codec = createPayloadCodec(payloadKeys(KEY));
  const [workflow] = await codec.encode([message], conversation);
  const [activity] = await codec.encode([message], { type: 'activity', namespace: 'default', workflowId: conversation.workflowId, isLocal: false });
  const [other] = await codec.encode([message], { type: 'workflow', namespace: 'default', workflowId: 'broadcast:1' });
  const [none] = await codec.encode([message]);
  expect([workflow, activity].map(payloadScope)).toEqual([`channel:${CHANNEL}`, `channel:${CHANNEL}`]);
  expect(scopeChannelId(payloadScope(workflow)!)).toBe(CHANNEL);
  expect([other, none].map(payloadScope)).toEqual(['', '']);
  expect(scopeChannelId('')).toBeNull();
  expect(payloadScope(message)).toBeNull();
});

test('plain payloads (histories from before the codec) pass through decode unchanged', async () => {
  const codec = createPayloadCodec(payloadKeys(KEY));
  const binary: Payload = { metadata: { encoding: new TextEncoder().encode('binary/plain') }, data: new Uint8Array([1, 2, 3]) };
  expect(await codec.decode([message, binary])).toEqual([message, binary]);
});

test('after a key rotation the old key still decodes what it sealed; without it, decoding names the missing key', async () => {
  const oldKey = randomBytes(32);
  const [sealedBefore] = await createPayloadCodec(payloadKeys(oldKey)).encode([message], conversation);
  const rotated = createPayloadCodec(payloadKeys(KEY, [oldKey]));
  expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealedBefore]))[0])).toEqual(defaultPayloadConverter.fromPayload(message));
  const [sealedAfter] = await rotated.encode([message], conversation);
  expect(str(sealedAfter.metadata!['encryption-key-id']!)).toBe(payloadKeys(KEY)[0].id);
  const oldId = payloadKeys(oldKey)[0].id;
  await expect(createPayloadCodec(payloadKeys(KEY)).decode([sealedBefore])).rejects.toThrow(
    `payload encrypted under unknown key ${oldId}: add that ENCRYPTION_KEY to PREVIOUS_ENCRYPTION_KEYS`,
  );
});

test('a payload whose scope or ciphertext was altered does not decode', async () => {
  const codec = createPayloadCodec(payloadKeys(KEY));
  const [sealed] = await codec.encode([message], conversation);
  const rescoped = { ...sealed, metadata: { ...sealed.metadata, 'parley-scope': new TextEncoder().encode('channel:00000000-0000-0000-0000-000000000000') } };
  await expect(codec.decode([rescoped])).rejects.toThrow(/authenticate/);
  const flipped = Buffer.from(sealed.data!);
  flipped[20] ^= 1;
  await expect(codec.decode([{ ...sealed, data: new Uint8Array(flipped) }])).rejects.toThrow(/authenticate/);
});
