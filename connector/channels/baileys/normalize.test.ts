import type { WAMessage } from '@whiskeysockets/baileys';
import { addressOf, normalizeBaileysMessage } from './normalize';
import { fixtureFiles, readFixture } from '../../../test/support/fixtures';

const fixture = (name: string) => readFixture<WAMessage>(`baileys/${name}`);

/** What each published message fixture normalizes to. */
const MESSAGES: Record<string, (n: ReturnType<typeof normalizeBaileysMessage>) => void> = {
  'motteteams-conversation-text.json': (n) => {
    expect(n).toEqual({
      message: { externalId: '50F2A87CC40A95126440A0416881EC70', name: 'Itacir Gabral 2', sentAt: new Date(1637176806 * 1000), fromMe: undefined, type: 'TEXT', text: 'mensage  de texto', replyToExternalId: null, forwarded: undefined },
      address: { phone: '+123123123123', lid: null },
    });
  },
  'motteteams-extendedtext-quoted-reply.json': (n) => {
    expect(n?.message).toMatchObject({ type: 'TEXT', text: 'resposta', replyToExternalId: '50F2A87CC40A95126440A0416881EC70' });
    expect(n?.address).toEqual({ phone: '+556599375661', lid: null });
  },
  'motteteams-image.json': (n) => {
    expect(n?.message).toMatchObject({
      type: 'IMAGE',
      text: '📷 photo',
      media: {
        id: 'B136FC1142B4F90EF7F83DB8FD524D05',
        mimeType: 'image/jpeg',
        size: 66264,
        sha256: 'P4H2LytWftOqw7S1nx3hu+0DVw2hhNB6mBnKagcKUOc=',
        locator: {
          mediaType: 'image',
          url: 'https://mmg.whatsapp.net/d/f/AvrFI0-Mfe_s1aYX1dfCOZFVY2j6mnsg7wOSVtxse3PA.enc',
          directPath: expect.stringMatching(/^\/v\/t62\.7118-24\//),
          mediaKey: 'XnpswcjoNkZPPh+fsEeimnbQ3AjUax7Hz2Y63o90d44=',
          mediaKeyTimestamp: 1637264347,
        },
      },
    });
  },
  'motteteams-audio-ptt.json': (n) => {
    expect(n?.message).toMatchObject({ type: 'VOICE', text: '🎤 voice message (0:02)', media: { mimeType: 'audio/ogg; codecs=opus', size: 5840, locator: { mediaType: 'audio' } } });
  },
  'motteteams-location.json': (n) => {
    expect(n?.message).toMatchObject({ type: 'LOCATION', text: '📍 location: -15.6248531, -56.0980328', details: { latitude: -15.6248531, longitude: -56.0980328 } });
  },
  // A key with no body: WhatsApp could not decrypt it yet and sends it again under the same id.
  'issue2081-dm-lid-remoteJid-senderPn-key-only.json': (n) => expect(n).toBeNull(),
};

/** What each published key fixture says about the person. */
const KEYS: Record<string, ReturnType<typeof addressOf>> = {
  'baileys-test-key-dm-lid-remoteJidAlt.json': { phone: '+5511999999999', lid: '12345' },
  'baileys-test-key-group-participantAlt.json': { phone: '+5511999999999', lid: '12345' },
  // senderPn's digits are masked in the published issue ("9176434xxxxx"): not a phone number.
  'issue2081-dm-lid-remoteJid-senderPn-key-only.json': { phone: null, lid: '218923106434420' },
};

describe('every Baileys message and key fixture', () => {
  const files = fixtureFiles('baileys');
  const isMessage = (f: string) => 'key' in readFixture(`baileys/${f}`);
  const isKey = (f: string) => 'remoteJid' in readFixture(`baileys/${f}`);

  test('has an expectation here', () => {
    expect(files.filter(isMessage).sort()).toEqual(Object.keys(MESSAGES).sort());
    expect([...files.filter(isKey), ...files.filter(isMessage).filter((f) => f in KEYS)].sort()).toEqual(Object.keys(KEYS).sort());
  });

  test.each(Object.keys(MESSAGES))('%s normalizes', (name) => MESSAGES[name](normalizeBaileysMessage(fixture(name))));

  test.each(Object.keys(KEYS))('%s names its person', (name) => {
    const json = readFixture(`baileys/${name}`);
    expect(addressOf('key' in json ? json.key : json)).toEqual(KEYS[name]);
  });
});

describe('normalizeBaileysMessage', () => {
  const base = fixture('motteteams-conversation-text.json');
  const withMessage = (message: object, key: object = {}) => normalizeBaileysMessage({ ...base, key: { ...base.key, ...key }, message } as WAMessage);

  test('groups, broadcast lists and status updates are ignored by default and kept when asked', () => {
    const group = { remoteJid: '5511999999999-1234567890@g.us', participant: '5511999999999@s.whatsapp.net' };
    expect(withMessage({ conversation: 'hi all' }, group)).toBeNull();
    expect(withMessage({ conversation: 'story' }, { remoteJid: 'status@broadcast' })).toBeNull();
    expect(withMessage({ conversation: 'offer' }, { remoteJid: '1234567@broadcast' })).toBeNull();
    const kept = normalizeBaileysMessage({ ...base, key: { ...base.key, ...group }, message: { conversation: 'hi all' } } as WAMessage, { ignoreGroups: false });
    expect(kept?.address.phone).toBe('+5511999999999');
  });

  test('wrappers are unwrapped: ephemeral, view once, document with caption', () => {
    expect(withMessage({ ephemeralMessage: { message: { extendedTextMessage: { text: 'vanishing', contextInfo: { isForwarded: true } } } } })?.message)
      .toMatchObject({ type: 'TEXT', text: 'vanishing', forwarded: true });
    expect(withMessage({ viewOnceMessageV2: { message: { imageMessage: { caption: 'once', mimetype: 'image/jpeg' } } } })?.message)
      .toMatchObject({ type: 'IMAGE', text: 'once' });
    expect(withMessage({ documentWithCaptionMessage: { message: { documentMessage: { fileName: 'menu.pdf', caption: 'our menu', mimetype: 'application/pdf' } } } })?.message)
      .toMatchObject({ type: 'DOCUMENT', text: 'our menu', media: { fileName: 'menu.pdf', mimeType: 'application/pdf' } });
  });

  test('a reaction targets the message it reacts to; an empty one removes it', () => {
    expect(withMessage({ reactionMessage: { key: { id: 'TARGET1' }, text: '👍' } })?.message).toMatchObject({ type: 'REACTION', text: 'reacted 👍', reaction: { targetExternalId: 'TARGET1', emoji: '👍' } });
    expect(withMessage({ reactionMessage: { key: { id: 'TARGET1' }, text: '' } })?.message).toMatchObject({ type: 'REACTION', reaction: { targetExternalId: 'TARGET1', emoji: null } });
  });

  test('replies to buttons and lists, polls, orders, contacts, named locations and video', () => {
    expect(withMessage({ buttonsResponseMessage: { selectedButtonId: 'yes', selectedDisplayText: 'Yes please' } })?.message).toMatchObject({ type: 'BUTTON_REPLY', text: 'Yes please', details: { id: 'yes' } });
    expect(withMessage({ templateButtonReplyMessage: { selectedId: 'b2', selectedDisplayText: 'Later' } })?.message).toMatchObject({ type: 'BUTTON_REPLY', text: 'Later', details: { id: 'b2' } });
    expect(withMessage({ listResponseMessage: { title: 'Large', singleSelectReply: { selectedRowId: 'size-l' } } })?.message).toMatchObject({ type: 'LIST_REPLY', text: 'Large', details: { id: 'size-l' } });
    expect(withMessage({ pollCreationMessageV3: { name: 'Lunch?', options: [{ optionName: 'Pizza' }, { optionName: 'Sushi' }] } })?.message).toMatchObject({ type: 'POLL', text: '📊 poll: Lunch? (Pizza / Sushi)' });
    expect(withMessage({ orderMessage: { orderId: 'o1', itemCount: 2, totalAmount1000: 25500, totalCurrencyCode: 'EUR' } })?.message).toMatchObject({ type: 'ORDER', text: '🛒 order: 2 items · 25.50 EUR' });
    expect(withMessage({ contactsArrayMessage: { contacts: [{ displayName: 'Ana' }, { displayName: 'Bo' }] } })?.message).toMatchObject({ type: 'CONTACTS', text: '👥 contacts: Ana, Bo' });
    expect(withMessage({ locationMessage: { degreesLatitude: 1, degreesLongitude: 2, name: 'Cafe Uno', address: 'Main St 1' } })?.message).toMatchObject({ type: 'LOCATION', text: '📍 location: Cafe Uno, Main St 1' });
    expect(withMessage({ videoMessage: { caption: '', gifPlayback: true } })?.message).toMatchObject({ type: 'VIDEO', text: '🎞️ GIF' });
    expect(withMessage({ audioMessage: { ptt: false, seconds: 75 } })?.message).toMatchObject({ type: 'AUDIO', text: '🎵 audio (1:15)' });
    expect(withMessage({ stickerMessage: { mimetype: 'image/webp' } })?.message).toMatchObject({ type: 'STICKER', media: { mimeType: 'image/webp' } });
  });

  test('protocol notices and unknown types are UNSUPPORTED with words; session syncs are ignored', () => {
    expect(withMessage({ protocolMessage: { type: 0, key: { id: 'GONE' } } })?.message).toMatchObject({ type: 'UNSUPPORTED', text: '🚫 deleted a message', details: { targetExternalId: 'GONE' } });
    expect(withMessage({ editedMessage: { message: { protocolMessage: { type: 14, editedMessage: { conversation: 'fixed typo' } } } } })?.message).toMatchObject({ type: 'UNSUPPORTED', text: '✏️ edited a message: fixed typo' });
    expect(withMessage({ protocolMessage: { type: 5 } })).toBeNull();
    expect(withMessage({ eventMessage: { name: 'Party' } })?.message).toMatchObject({ type: 'UNSUPPORTED', text: 'unsupported message (eventMessage)' });
    expect(withMessage({ messageContextInfo: {} })?.message).toMatchObject({ type: 'UNSUPPORTED', text: 'unsupported message (empty)' });
  });

  test('a message typed on the business phone is fromMe, addressed by the customer', () => {
    expect(withMessage({ conversation: 'on my way' }, { fromMe: true })?.message.fromMe).toBe(true);
  });

  test('a LID chat with its phone in remoteJidAlt names both', () => {
    expect(withMessage({ conversation: 'hi' }, { remoteJid: '12345@lid', remoteJidAlt: '5511999999999@s.whatsapp.net' })?.address).toEqual({ phone: '+5511999999999', lid: '12345' });
  });
});
