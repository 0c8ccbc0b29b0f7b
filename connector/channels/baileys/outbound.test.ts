import { toBaileysContent } from './outbound';
import { PermanentChannelError } from '../port';

const jid = '4915112345678@s.whatsapp.net';
const base = { idempotencyKey: 'k', to: '+4915112345678' };

test('text, media by URL with caption, a reaction on the customer message', () => {
  expect(toBaileysContent({ ...base, text: 'hello' }, jid)).toEqual({ text: 'hello' });
  expect(toBaileysContent({ ...base, text: 'menu', content: { kind: 'media', media: 'image', url: 'https://x/y.jpg' } }, jid)).toEqual({ image: { url: 'https://x/y.jpg' }, caption: 'menu', mimetype: undefined });
  expect(toBaileysContent({ ...base, text: '', content: { kind: 'reaction', targetExternalId: 'ABC', emoji: '👍' } }, jid)).toEqual({ react: { text: '👍', key: { remoteJid: jid, id: 'ABC', fromMe: false } } });
});

test('buttons and lists become numbered text', () => {
  expect(toBaileysContent({ ...base, text: 'Pick one', content: { kind: 'buttons', buttons: [{ id: 'y', title: 'Yes' }, { id: 'n', title: 'No' }], footer: 'Reply with a number' } }, jid))
    .toEqual({ text: 'Pick one\n\n1. Yes\n2. No\n\nReply with a number' });
  expect(toBaileysContent({ ...base, text: 'Sizes', content: { kind: 'list', button: 'Choose', rows: [{ id: 's', title: 'Small', description: '250 ml' }] } }, jid))
    .toEqual({ text: 'Sizes\n\n*Choose*\n\n1. Small — 250 ml' });
});

test('templates and stored blobs are refused for good', () => {
  expect(() => toBaileysContent({ ...base, text: '', content: { kind: 'template', name: 't', language: 'en', variables: [] } }, jid)).toThrow(PermanentChannelError);
  expect(() => toBaileysContent({ ...base, text: '', content: { kind: 'media', media: 'image', blobKey: 'b' } }, jid)).toThrow(PermanentChannelError);
});
