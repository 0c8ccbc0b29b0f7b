import { PermanentChannelError, type OutboundMessage } from '../port';
import { graphMessageBody } from './outbound';

const msg = (extra: Partial<OutboundMessage>): OutboundMessage => ({ idempotencyKey: 'k', to: '+4915112345678', text: 'Hello', ...extra });

describe('the Graph API body of a send', () => {
  it('text, to the number without its plus, quoting a message when it replies', () => {
    expect(graphMessageBody(msg({ replyToExternalId: 'wamid.Q' }))).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: '4915112345678', context: { message_id: 'wamid.Q' }, type: 'text', text: { body: 'Hello', preview_url: false },
    });
  });

  it('media by link with the text as caption; a document keeps its file name; audio takes no caption', () => {
    expect(graphMessageBody(msg({ content: { kind: 'media', media: 'image', url: 'https://cdn.example/a.jpg' } }))).toMatchObject({ type: 'image', image: { link: 'https://cdn.example/a.jpg', caption: 'Hello' } });
    expect(graphMessageBody(msg({ content: { kind: 'media', media: 'document', url: 'https://cdn.example/m.pdf', fileName: 'menu.pdf' } }))).toMatchObject({ document: { filename: 'menu.pdf' } });
    expect(graphMessageBody(msg({ content: { kind: 'media', media: 'audio', url: 'https://cdn.example/a.ogg' } })).audio).toEqual({ link: 'https://cdn.example/a.ogg' });
  });

  it('reply buttons (at most 3) and a list (at most 10 rows)', () => {
    const buttons = [{ id: 'y', title: 'Yes' }, { id: 'n', title: 'No' }];
    expect(graphMessageBody(msg({ content: { kind: 'buttons', buttons } }))).toMatchObject({
      type: 'interactive', interactive: { type: 'button', body: { text: 'Hello' }, action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }, { type: 'reply', reply: { id: 'n', title: 'No' } }] } },
    });
    expect(() => graphMessageBody(msg({ content: { kind: 'buttons', buttons: [...buttons, ...buttons] } }))).toThrow(PermanentChannelError);
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    expect(graphMessageBody(msg({ content: { kind: 'list', button: 'Pick', rows: rows.slice(0, 2) } }))).toMatchObject({
      interactive: { type: 'list', action: { button: 'Pick', sections: [{ rows: [{ id: 'r0', title: 'Row 0' }, { id: 'r1', title: 'Row 1' }] }] } },
    });
    expect(() => graphMessageBody(msg({ content: { kind: 'list', button: 'Pick', rows } }))).toThrow('1 to 10 list rows, not 11');
  });

  it('a template with its body variables, and one without any', () => {
    expect(graphMessageBody(msg({ content: { kind: 'template', name: 'order_ready', language: 'en_US', variables: ['Ana', '#42'] } }))).toMatchObject({
      type: 'template', template: { name: 'order_ready', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#42' }] }] },
    });
    expect(graphMessageBody(msg({ content: { kind: 'template', name: 'hello_world', language: 'en_US', variables: [] } })).template).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it('a reaction', () => {
    expect(graphMessageBody(msg({ content: { kind: 'reaction', targetExternalId: 'wamid.T', emoji: '👍' } }))).toMatchObject({ type: 'reaction', reaction: { message_id: 'wamid.T', emoji: '👍' } });
  });

  it('a stored file goes by the media id it was uploaded as; without one (and no link) it is refused before any call', () => {
    expect(graphMessageBody(msg({ content: { kind: 'media', media: 'image', blobKey: 'b/1' } }), 'upload.1')).toMatchObject({ type: 'image', image: { id: 'upload.1', caption: 'Hello' } });
    expect(() => graphMessageBody(msg({ content: { kind: 'media', media: 'image', blobKey: 'b/1' } }))).toThrow(PermanentChannelError);
  });
});
