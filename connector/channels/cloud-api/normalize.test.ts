import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, fixtureFiles } from '../../../test/support/fixtures';
import type { DeliveryReceipt, NormalizedInbound } from '../inbound-message';
import { normalize, SUMMARIES } from './normalize';
import { cloudWebhook } from './webhook-schema';

const CHANNEL = 'channel-1';

/** What each published payload must normalize to; a fixture without an entry here fails the test. */
const EXPECTED: Record<string, { messages?: Partial<NormalizedInbound>[]; receipts?: Partial<DeliveryReceipt>[] }> = {
  'meta-text.json': {
    messages: [{ type: 'TEXT', text: 'Does it come in another color?', from: '+16505551234', name: 'Sheena Nelson', externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', sentAt: new Date(1749416383000), forwarded: false, replyToExternalId: null }],
  },
  'meta-image-with-caption.json': {
    messages: [{ type: 'IMAGE', text: 'Taj Mahal', media: { id: '1003383421387256', mimeType: 'image/jpeg', sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', fileName: undefined, size: undefined } }],
  },
  'meta-location.json': {
    messages: [{ type: 'LOCATION', text: '📍 location: Philz Coffee', details: { latitude: 37.44221496582, longitude: -122.16165924072, name: 'Philz Coffee', address: '101 Forest Ave, Palo Alto, CA 94301', url: 'https://philzcoffee.com/' } }],
  },
  'meta-reaction.json': {
    messages: [{ type: 'REACTION', text: 'reacted 👍', reaction: { targetExternalId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=', emoji: '👍' } }],
  },
  'pywa-reaction-removed-empty-emoji.json': {
    messages: [{ type: 'REACTION', text: 'removed a reaction', reaction: { targetExternalId: 'wamid.yzxyzx=', emoji: null }, from: '+972987654321', name: 'Test Name' }],
  },
  'meta-interactive-button-reply.json': {
    messages: [{ type: 'BUTTON_REPLY', text: 'Cancel', details: { id: 'cancel-button', title: 'Cancel' }, replyToExternalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA' }],
  },
  'pywa-audio-voice.json': {
    messages: [{ type: 'VOICE', text: '🎤 voice message', media: { id: '1234567890987654321', mimeType: 'audio/ogg; codecs=opus', sha256: 'm04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=', fileName: undefined, size: undefined } }],
  },
  'pywa-document-forwarded.json': {
    messages: [{ type: 'DOCUMENT', text: 'caption', forwarded: true, media: expect.objectContaining({ id: '1234567890987654321', fileName: 'filename.pdf', mimeType: 'application/pdf' }) }],
  },
  'pywa-text-forwarded.json': { messages: [{ type: 'TEXT', text: 'forwarded text', forwarded: true }] },
  'meta-status-sent.json': {
    receipts: [{ channelId: CHANNEL, status: 'SENT', externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=', at: new Date(1750030073000), errorCode: null }],
  },
  'meta-status-failed.json': {
    receipts: [{
      status: 'FAILED',
      errorCode: '131049',
      errorReason: 'This message was not delivered to maintain healthy ecosystem engagement.: In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    }],
  },
  'pywa-status-delivered-cbp.json': { receipts: [{ status: 'DELIVERED', externalId: 'wamid.xyzxyz' }] },
  'pywa-status-read-cbp.json': { receipts: [{ status: 'READ', externalId: 'wamid.xyzxyz' }] },
  'whatsapp-api-js-v25-status-delivered.json': { receipts: [{ status: 'DELIVERED', externalId: 'ABGGFlA5Fpa', at: new Date(1504902988000) }] },
  'whatsapp-api-js-v25-status-read.json': { receipts: [{ status: 'READ', externalId: 'ABGGFlA5Fpa' }] },
};

describe('every published Cloud API payload', () => {
  const names = fixtureFiles('cloud-api');

  it('has an expected shape here (a new fixture must be described)', () => {
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !EXPECTED[name])).toEqual([]);
  });

  it.each(names)('%s normalizes to the expected messages and receipts', (name) => {
    const body = cloudWebhook.parse(JSON.parse(cloudFixture(name).toString('utf8')));
    const out = normalize(body, CHANNEL);
    const expected = EXPECTED[name];
    expect(out.messages).toHaveLength(expected.messages?.length ?? 0);
    expect(out.receipts).toHaveLength(expected.receipts?.length ?? 0);
    expected.messages?.forEach((m, i) => {
      expect(out.messages[i]).toMatchObject(m);
      expect(out.messages[i].text.length).toBeGreaterThan(0);
      expect(out.messages[i].from).toMatch(/^\+\d+$/);
    });
    expected.receipts?.forEach((r, i) => expect(out.receipts[i]).toMatchObject({ channelId: CHANNEL, ...r }));
  });
});

/** A body with one message, for the types no published fixture shows. */
function one(message: Record<string, unknown>) {
  const body = cloudWebhook.parse({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1' }, messages: [{ from: '4915112345678', id: 'wamid.1', timestamp: '1700000000', ...message }] } }] }],
  });
  const [normalized] = normalize(body, CHANNEL).messages;
  return normalized;
}

describe('the types no fixture shows', () => {
  it('video and sticker: caption or a summary, with the media reference', () => {
    expect(one({ type: 'video', video: { id: 'v1', mime_type: 'video/mp4' } })).toMatchObject({ type: 'VIDEO', text: SUMMARIES.video, media: { id: 'v1', mimeType: 'video/mp4' } });
    expect(one({ type: 'video', video: { id: 'v1', caption: 'look' } })).toMatchObject({ text: 'look' });
    expect(one({ type: 'sticker', sticker: { id: 's1', mime_type: 'image/webp', animated: false } })).toMatchObject({ type: 'STICKER', text: '💟 sticker', media: { id: 's1' } });
  });

  it('audio that is not a voice note, and a document without caption', () => {
    expect(one({ type: 'audio', audio: { id: 'a1', voice: false } })).toMatchObject({ type: 'AUDIO', text: '🎵 audio' });
    expect(one({ type: 'document', document: { id: 'd1', filename: 'menu.pdf' } })).toMatchObject({ type: 'DOCUMENT', text: '📄 document: menu.pdf' });
  });

  it('contacts, a list reply, a template button, an order', () => {
    expect(one({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lima' }, phones: [{ phone: '+55 11 5555' }] }] })).toMatchObject({ type: 'CONTACTS', text: '👤 contact: Ana Lima' });
    expect(one({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' } }, { name: { formatted_name: 'B' } }] }).text).toBe('👥 2 contacts: A, B');
    expect(one({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r2', title: 'Large', description: '40 cm' } } })).toMatchObject({
      type: 'LIST_REPLY', text: 'Large', details: { id: 'r2', title: 'Large', description: '40 cm' },
    });
    expect(one({ type: 'button', button: { text: 'Yes please', payload: 'YES' } })).toMatchObject({ type: 'BUTTON_REPLY', text: 'Yes please', details: { payload: 'YES' } });
    expect(one({ type: 'order', order: { catalog_id: 'c', product_items: [{ product_retailer_id: 'p', quantity: 2 }] } })).toMatchObject({ type: 'ORDER', text: '🛒 order: 1 item' });
  });

  it('a location without a name falls back to its address, then its coordinates', () => {
    expect(one({ type: 'location', location: { latitude: 1.5, longitude: 2.5, address: 'Main St 1' } }).text).toBe('📍 location: Main St 1');
    expect(one({ type: 'location', location: { latitude: 1.5, longitude: 2.5 } }).text).toBe('📍 location: 1.5, 2.5');
  });

  it('unsupported messages are kept with a readable text: Meta\'s current shape, the old errors-only shape, an unknown type', () => {
    expect(one({ type: 'unsupported', unsupported: { type: 'edit' } })).toMatchObject({ type: 'UNSUPPORTED', text: '⚠️ unsupported message (edit)' });
    expect(one({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] })).toMatchObject({
      type: 'UNSUPPORTED', text: '⚠️ unsupported message (Message type unknown)', details: { errors: [{ code: 131051, title: 'Message type unknown' }] },
    });
    expect(one({ type: 'hologram' })).toMatchObject({ type: 'UNSUPPORTED', text: '⚠️ unsupported message (hologram)' });
    // A known type without its object (pywa's interactive with value-level errors).
    expect(one({ type: 'interactive' })).toMatchObject({ type: 'UNSUPPORTED', text: '⚠️ unsupported message (interactive)' });
  });

  it('a reaction whose emoji is missing is a removal', () => {
    expect(one({ type: 'reaction', reaction: { message_id: 'wamid.0' } })).toMatchObject({ reaction: { targetExternalId: 'wamid.0', emoji: null }, text: 'removed a reaction' });
  });

  it('profile names come from value.contacts and are given per sender', () => {
    const body = cloudWebhook.parse(JSON.parse(cloudFixture('meta-text.json').toString('utf8')));
    expect(normalize(body, CHANNEL).profiles).toEqual([{ phone: '+16505551234', name: 'Sheena Nelson' }]);
  });

  it('a played voice message counts as read; statuses it does not know are skipped', () => {
    const body = cloudWebhook.parse({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [{ id: 'w1', status: 'played', timestamp: '1' }, { id: 'w2', status: 'deleted', timestamp: '1' }] } }] }],
    });
    expect(normalize(body, CHANNEL).receipts).toMatchObject([{ externalId: 'w1', status: 'READ' }]);
  });
});

/** A Cloud API fixture's exact bytes. */
function cloudFixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, 'cloud-api', name));
}
