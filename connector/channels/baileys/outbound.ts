/**
 * An outbound message → what Baileys' sendMessage takes. Pure. WhatsApp Web no longer delivers
 * reply buttons or lists sent from a linked device, so those become numbered text the customer
 * answers by number; templates belong to the Cloud API.
 */
import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { OutboundMessage } from '../port';
import { PermanentChannelError } from '../port';

/** The content Baileys sends for this message to `jid`; PermanentChannelError for what WhatsApp Web cannot send. */
export function toBaileysContent(message: OutboundMessage, jid: string): AnyMessageContent {
  const content = message.content;
  if (!content) return { text: message.text };
  switch (content.kind) {
    case 'media': {
      if (!content.url) throw new PermanentChannelError('WhatsApp Web sends media by URL; this message has no URL');
      const url = { url: content.url };
      const caption = message.text || undefined;
      switch (content.media) {
        case 'image':
          return { image: url, caption, mimetype: content.mimeType };
        case 'video':
          return { video: url, caption, mimetype: content.mimeType };
        case 'audio':
          return { audio: url, mimetype: content.mimeType ?? 'audio/ogg; codecs=opus' };
        case 'sticker':
          return { sticker: url };
        case 'document':
          return { document: url, mimetype: content.mimeType ?? 'application/octet-stream', fileName: content.fileName, caption };
      }
      break;
    }
    case 'buttons':
      return { text: numbered(message.text, content.buttons.map((b) => b.title), content.footer) };
    case 'list':
      return { text: numbered(`${message.text}\n\n*${content.button}*`, content.rows.map((r) => (r.description ? `${r.title} — ${r.description}` : r.title)), content.footer) };
    case 'reaction':
      return { react: { text: content.emoji, key: { remoteJid: jid, id: content.targetExternalId, fromMe: false } } };
    case 'template':
      throw new PermanentChannelError('templates are sent through the Cloud API; a WhatsApp Web number sends free text');
  }
  throw new PermanentChannelError('unknown message content');
}

function numbered(text: string, options: string[], footer?: string): string {
  const lines = options.map((option, i) => `${i + 1}. ${option}`);
  return [text, lines.join('\n'), footer].filter(Boolean).join('\n\n');
}
