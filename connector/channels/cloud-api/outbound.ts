/** An OutboundMessage → the JSON body of `POST /<version>/<phoneNumberId>/messages`. Pure. */
import type { OutboundMessage } from '../port';
import { PermanentChannelError } from '../port';

/** WhatsApp's limits on interactive messages. */
export const MAX_BUTTONS = 3;
export const MAX_LIST_ROWS = 10;

/**
 * The Graph API's message object for this send; refuses what WhatsApp would refuse, before the call.
 * `uploadedMediaId`: the Graph media id a stored file (content.blobKey) was uploaded as.
 */
export function graphMessageBody(message: OutboundMessage, uploadedMediaId?: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to.replace(/^\+/, ''),
    ...(message.replyToExternalId ? { context: { message_id: message.replyToExternalId } } : {}),
  };
  const content = message.content;
  switch (content?.kind) {
    case undefined:
      return { ...base, type: 'text', text: { body: message.text, preview_url: false } };
    case 'media': {
      if (!content.url && !uploadedMediaId) throw new PermanentChannelError('a Cloud API media message needs a link or an uploaded file');
      const media: Record<string, unknown> = uploadedMediaId ? { id: uploadedMediaId } : { link: content.url };
      if (message.text && content.media !== 'audio' && content.media !== 'sticker') media.caption = message.text;
      if (content.media === 'document' && content.fileName) media.filename = content.fileName;
      return { ...base, type: content.media, [content.media]: media };
    }
    case 'buttons':
      if (content.buttons.length < 1 || content.buttons.length > MAX_BUTTONS) throw new PermanentChannelError(`WhatsApp shows 1 to ${MAX_BUTTONS} reply buttons, not ${content.buttons.length}`);
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: message.text },
          ...(content.footer ? { footer: { text: content.footer } } : {}),
          action: { buttons: content.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'list':
      if (content.rows.length < 1 || content.rows.length > MAX_LIST_ROWS) throw new PermanentChannelError(`WhatsApp shows 1 to ${MAX_LIST_ROWS} list rows, not ${content.rows.length}`);
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: message.text },
          ...(content.footer ? { footer: { text: content.footer } } : {}),
          action: { button: content.button, sections: [{ rows: content.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })) }] },
        },
      };
    case 'template':
      return {
        ...base,
        type: 'template',
        template: {
          name: content.name,
          language: { code: content.language },
          ...(content.variables.length ? { components: [{ type: 'body', parameters: content.variables.map((text) => ({ type: 'text', text })) }] } : {}),
        },
      };
    case 'reaction':
      return { ...base, type: 'reaction', reaction: { message_id: content.targetExternalId, emoji: content.emoji } };
  }
}
