import { outboundContent } from './outbound-content';

describe('outboundContent', () => {
  it('is undefined for plain text', () => {
    expect(outboundContent({ type: 'TEXT', media: null, details: null })).toBeUndefined();
  });

  it('sends media by URL or by stored blob, with its mime type and file name; a voice note as audio', () => {
    expect(outboundContent({ type: 'IMAGE', media: { id: 'm1', url: 'https://example.com/a.jpg', mimeType: 'image/jpeg' }, details: null })).toEqual({
      kind: 'media', media: 'image', url: 'https://example.com/a.jpg', mimeType: 'image/jpeg',
    });
    expect(outboundContent({ type: 'DOCUMENT', media: { id: 'm2', blobKey: 'ws/abc', fileName: 'menu.pdf', mimeType: 'application/pdf' }, details: null })).toEqual({
      kind: 'media', media: 'document', blobKey: 'ws/abc', fileName: 'menu.pdf', mimeType: 'application/pdf',
    });
    expect(outboundContent({ type: 'VOICE', media: { id: 'm3', blobKey: 'ws/v' }, details: null })).toEqual({ kind: 'media', media: 'audio', blobKey: 'ws/v' });
  });

  it('is plain text for a media type with nothing to fetch', () => {
    expect(outboundContent({ type: 'IMAGE', media: { id: 'inbound-only' }, details: null })).toBeUndefined();
  });

  it('reads buttons, a list, a template and a reaction from the details', () => {
    const buttons = [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }];
    expect(outboundContent({ type: 'TEXT', media: null, details: { buttons, footer: 'Pick one' } })).toEqual({ kind: 'buttons', buttons, footer: 'Pick one' });
    const rows = [{ id: 'r1', title: 'Pizza' }];
    expect(outboundContent({ type: 'TEXT', media: null, details: { list: { button: 'Menu', rows } } })).toEqual({ kind: 'list', button: 'Menu', rows });
    expect(outboundContent({ type: 'TEXT', media: null, details: { template: { name: 'order_ready', language: 'en', variables: ['42'] } } })).toEqual({
      kind: 'template', name: 'order_ready', language: 'en', variables: ['42'],
    });
    expect(outboundContent({ type: 'REACTION', media: null, details: { reaction: { targetExternalId: 'wamid.X', emoji: '👍' } } })).toEqual({
      kind: 'reaction', targetExternalId: 'wamid.X', emoji: '👍',
    });
  });
});
