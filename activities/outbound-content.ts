/**
 * What an outbound message puts on the wire besides its text, read from its row: media (by URL or
 * a stored blob) for a media type, and buttons, a list, a template or a reaction from its details.
 * Pure: the send activity calls it with the row it is about to send.
 */
import type { ListRow, OutboundContent, OutboundMediaKind, ReplyButton } from '../connector/channels/port';
import type { MessageType, StoredMedia } from '../schema/entities/message.entity';

/** The outbound shapes of messages.details (besides what an inbound message's details describe). */
export interface OutboundDetails {
  buttons?: ReplyButton[];
  list?: { button: string; rows: ListRow[] };
  footer?: string;
  template?: { name: string; language: string; variables: string[] };
  /** type REACTION: the message reacted to and the emoji. */
  reaction?: { targetExternalId: string; emoji: string };
}

/** The columns of a message row a send reads. */
export interface OutboundRow {
  type: MessageType;
  media: StoredMedia | null;
  details: (OutboundDetails & Record<string, unknown>) | null;
}

const MEDIA_KINDS: Partial<Record<MessageType, OutboundMediaKind>> = {
  IMAGE: 'image',
  VIDEO: 'video',
  AUDIO: 'audio',
  VOICE: 'audio',
  DOCUMENT: 'document',
  STICKER: 'sticker',
};

/** The row's content for the channel port, or undefined for plain text. */
export function outboundContent(row: OutboundRow): OutboundContent | undefined {
  const details = row.details ?? {};
  const media = MEDIA_KINDS[row.type];
  if (media && row.media && (row.media.url || row.media.blobKey)) {
    return {
      kind: 'media',
      media,
      ...(row.media.url ? { url: row.media.url } : {}),
      ...(row.media.blobKey ? { blobKey: row.media.blobKey } : {}),
      ...(row.media.mimeType ? { mimeType: row.media.mimeType } : {}),
      ...(row.media.fileName ? { fileName: row.media.fileName } : {}),
    };
  }
  if (row.type === 'REACTION' && details.reaction) return { kind: 'reaction', ...details.reaction };
  if (details.template) return { kind: 'template', ...details.template };
  const footer = details.footer ? { footer: details.footer } : {};
  if (details.buttons?.length) return { kind: 'buttons', buttons: details.buttons, ...footer };
  if (details.list) return { kind: 'list', button: details.list.button, rows: details.list.rows, ...footer };
  return undefined;
}
