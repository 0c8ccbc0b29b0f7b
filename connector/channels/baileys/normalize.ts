/**
 * A WhatsApp Web (Baileys) message → the one inbound shape (connector/channels/inbound-message.ts),
 * or null for what the channel ignores. Pure: imports Baileys' types only. The sender's phone is
 * left to the caller when the message names only a LID (see `addressOf`).
 */
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys';
import type { NormalizedInbound } from '../inbound-message';
import { isBroadcastJid, isGroupJid, isStatusJid, jidServer, lidOfJid, phoneOfJid } from './jid';

/** Which messages the channel drops (ChannelOptions; all default true). */
export interface IgnoreOptions {
  ignoreGroups?: boolean;
  ignoreBroadcasts?: boolean;
  ignoreStatus?: boolean;
}

/** Who a message is from (or, sent from the business's phone, to): a phone, a LID, or both. */
export interface ContactAddress {
  /** E.164, when the message says it. */
  phone: string | null;
  /** The LID's user part, when the message names one. */
  lid: string | null;
}

/** A normalized message whose `from` is still to be resolved from its address. */
export interface BaileysInbound {
  message: Omit<NormalizedInbound, 'from'>;
  address: ContactAddress;
}

/** Wrappers whose `.message` holds the real content. */
const WRAPPERS = [
  'ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage',
  'deviceSentMessage', 'editedMessage', 'groupMentionedMessage', 'botInvokeMessage', 'lottieStickerMessage',
] as const;

/** Keys of proto.Message that travel beside the content and are not content themselves. */
const NOT_CONTENT = new Set(['messageContextInfo', 'senderKeyDistributionMessage', 'fastRatchetKeySenderKeyDistributionMessage']);

/**
 * Protocol messages the phone and WhatsApp exchange to keep the session in sync (history sync,
 * app-state keys, peer data, LID migration …): never shown to anyone. proto.Message.ProtocolMessage.Type.
 */
const SESSION_PROTOCOL_TYPES = new Set([4, 5, 6, 7, 8, 9, 10, 16, 17, 22, 28, 29]);
const PROTOCOL_SUMMARY: Record<number, string> = {
  0: '🚫 deleted a message',
  3: '⏱️ changed the disappearing-messages setting',
  11: '📞 shared their phone number',
  14: '✏️ edited a message',
};

type Content = proto.IMessage;

/** The message in the one inbound shape; null when it is ignored (a group, a status, no content yet, a session sync). */
export function normalizeBaileysMessage(msg: WAMessage, options: IgnoreOptions = {}): BaileysInbound | null {
  const key = msg.key;
  const chat = key.remoteJid ?? '';
  if (!key.id || !chat || ignoredChat(chat, options)) return null;
  const content = unwrap(msg.message);
  // No content: WhatsApp could not decrypt it yet and will send it again (a retry receipt), under the same id.
  if (!content || msg.messageStubType) return null;
  const body = describe(content, key);
  if (!body) return null;
  return {
    message: {
      externalId: key.id,
      name: msg.pushName || null,
      sentAt: timestampOf(msg.messageTimestamp),
      fromMe: key.fromMe ? true : undefined,
      ...body,
    },
    address: addressOf(key),
  };
}

/**
 * The person behind a message's key. A 1:1 chat names them in remoteJid (phone or LID) and, with
 * WhatsApp's LID addressing, the other form in remoteJidAlt (or senderPn, in older builds); a
 * group names the sender in participant / participantAlt.
 */
export function addressOf(key: WAMessageKey & { senderPn?: string | null; senderLid?: string | null; participantPn?: string | null }): ContactAddress {
  const candidates = isGroupJid(key.remoteJid ?? '')
    ? [key.participant, key.participantAlt, key.participantPn]
    : [key.remoteJid, key.remoteJidAlt, key.senderPn, key.senderLid];
  let phone: string | null = null;
  let lid: string | null = null;
  for (const jid of candidates) {
    phone ??= phoneOfJid(jid);
    lid ??= lidOfJid(jid);
  }
  return { phone, lid };
}

function ignoredChat(chat: string, options: IgnoreOptions): boolean {
  if (isStatusJid(chat)) return options.ignoreStatus ?? true;
  if (isBroadcastJid(chat)) return options.ignoreBroadcasts ?? true;
  if (isGroupJid(chat)) return options.ignoreGroups ?? true;
  // Newsletters (channels) are not conversations with a customer.
  return jidServer(chat) === 'newsletter';
}

/** The content inside every wrapper (ephemeral, view once, document with caption …). */
function unwrap(message: Content | null | undefined): Content | null {
  let current = message ?? null;
  for (let depth = 0; current && depth < 5; depth++) {
    const wrapper = WRAPPERS.find((name) => current?.[name]?.message);
    if (!wrapper) break;
    current = current[wrapper]!.message ?? null;
  }
  return current;
}

type Body = Pick<NormalizedInbound, 'type' | 'text' | 'replyToExternalId' | 'forwarded' | 'media' | 'reaction' | 'details'>;

/** The type, text and details of the content; null for a session-sync protocol message. */
function describe(content: Content, key: WAMessageKey): Body | null {
  const type = contentType(content);
  const context = contextOf(content, type);
  const quoted = { replyToExternalId: context?.stanzaId || null, forwarded: context?.isForwarded ? true : undefined };
  switch (type) {
    case 'conversation':
      return { type: 'TEXT', text: nonEmpty(content.conversation, '(empty message)'), ...quoted };
    case 'extendedTextMessage':
      return { type: 'TEXT', text: nonEmpty(content.extendedTextMessage?.text, '(empty message)'), ...quoted };
    case 'imageMessage': {
      const m = content.imageMessage!;
      return { type: 'IMAGE', text: nonEmpty(m.caption, '📷 photo'), media: mediaRef(key, 'image', m), ...quoted };
    }
    case 'videoMessage': {
      const m = content.videoMessage!;
      return { type: 'VIDEO', text: nonEmpty(m.caption, m.gifPlayback ? '🎞️ GIF' : '🎥 video'), media: mediaRef(key, 'video', m), ...quoted };
    }
    case 'ptvMessage':
      return { type: 'VIDEO', text: '🎥 video message', media: mediaRef(key, 'video', content.ptvMessage!), ...quoted };
    case 'audioMessage': {
      const m = content.audioMessage!;
      return m.ptt
        ? { type: 'VOICE', text: `🎤 voice message${duration(m.seconds)}`, media: mediaRef(key, 'audio', m), ...quoted }
        : { type: 'AUDIO', text: `🎵 audio${duration(m.seconds)}`, media: mediaRef(key, 'audio', m), ...quoted };
    }
    case 'documentMessage': {
      const m = content.documentMessage!;
      return { type: 'DOCUMENT', text: nonEmpty(m.caption, `📄 ${m.fileName || m.title || 'document'}`), media: mediaRef(key, 'document', m, m.fileName), ...quoted };
    }
    case 'stickerMessage':
      return { type: 'STICKER', text: '🏷️ sticker', media: mediaRef(key, 'sticker', content.stickerMessage!), ...quoted };
    case 'locationMessage':
    case 'liveLocationMessage': {
      const m = (content.locationMessage ?? content.liveLocationMessage)! as proto.Message.ILocationMessage;
      const place = [m.name, m.address].filter(Boolean).join(', ');
      const where = place || `${m.degreesLatitude}, ${m.degreesLongitude}`;
      return {
        type: 'LOCATION',
        text: `📍 ${type === 'liveLocationMessage' ? 'live location' : 'location'}: ${where}`,
        details: { latitude: m.degreesLatitude ?? null, longitude: m.degreesLongitude ?? null, name: m.name ?? null, address: m.address ?? null, url: m.url ?? null },
        ...quoted,
      };
    }
    case 'contactMessage': {
      const m = content.contactMessage!;
      return { type: 'CONTACTS', text: `👤 contact: ${m.displayName || 'unnamed'}`, details: { contacts: [{ name: m.displayName ?? null, vcard: m.vcard ?? null }] }, ...quoted };
    }
    case 'contactsArrayMessage': {
      const contacts = content.contactsArrayMessage?.contacts ?? [];
      return {
        type: 'CONTACTS',
        text: `👥 contacts: ${contacts.map((c) => c.displayName || 'unnamed').join(', ') || 'none'}`,
        details: { contacts: contacts.map((c) => ({ name: c.displayName ?? null, vcard: c.vcard ?? null })) },
        ...quoted,
      };
    }
    case 'reactionMessage': {
      const m = content.reactionMessage!;
      const emoji = m.text || null;
      return {
        type: 'REACTION',
        text: emoji ? `reacted ${emoji}` : 'removed a reaction',
        reaction: { targetExternalId: m.key?.id ?? '', emoji },
      };
    }
    case 'buttonsResponseMessage': {
      const m = content.buttonsResponseMessage!;
      return { type: 'BUTTON_REPLY', text: nonEmpty(m.selectedDisplayText, m.selectedButtonId ?? 'button'), details: { id: m.selectedButtonId ?? null }, ...quoted };
    }
    case 'templateButtonReplyMessage': {
      const m = content.templateButtonReplyMessage!;
      return { type: 'BUTTON_REPLY', text: nonEmpty(m.selectedDisplayText, m.selectedId ?? 'button'), details: { id: m.selectedId ?? null, index: m.selectedIndex ?? null }, ...quoted };
    }
    case 'interactiveResponseMessage': {
      const m = content.interactiveResponseMessage!;
      return {
        type: 'BUTTON_REPLY',
        text: nonEmpty(m.body?.text, 'replied to a form'),
        details: { name: m.nativeFlowResponseMessage?.name ?? null, params: m.nativeFlowResponseMessage?.paramsJson ?? null },
        ...quoted,
      };
    }
    case 'listResponseMessage': {
      const m = content.listResponseMessage!;
      return { type: 'LIST_REPLY', text: nonEmpty(m.title, m.singleSelectReply?.selectedRowId ?? 'list reply'), details: { id: m.singleSelectReply?.selectedRowId ?? null, description: m.description ?? null }, ...quoted };
    }
    case 'pollCreationMessage':
    case 'pollCreationMessageV2':
    case 'pollCreationMessageV3': {
      const m = (content.pollCreationMessage ?? content.pollCreationMessageV2 ?? content.pollCreationMessageV3)!;
      const options = (m.options ?? []).map((o) => o.optionName ?? '');
      return { type: 'POLL', text: `📊 poll: ${m.name || 'untitled'} (${options.join(' / ')})`, details: { name: m.name ?? null, options, selectable: m.selectableOptionsCount ?? null }, ...quoted };
    }
    case 'pollUpdateMessage':
      // The vote is encrypted for the poll's creator; the message only says someone voted.
      return { type: 'POLL', text: '🗳️ voted in a poll', details: { pollExternalId: content.pollUpdateMessage?.pollCreationMessageKey?.id ?? null } };
    case 'orderMessage': {
      const m = content.orderMessage!;
      const total = m.totalAmount1000 != null && m.totalCurrencyCode ? ` · ${(Number(m.totalAmount1000) / 1000).toFixed(2)} ${m.totalCurrencyCode}` : '';
      return {
        type: 'ORDER',
        text: `🛒 order: ${m.itemCount ?? 0} item${m.itemCount === 1 ? '' : 's'}${total}${m.message ? ` · ${m.message}` : ''}`,
        details: { orderId: m.orderId ?? null, itemCount: m.itemCount ?? null, title: m.orderTitle ?? null },
        ...quoted,
      };
    }
    case 'protocolMessage': {
      const m = content.protocolMessage!;
      const code = m.type ?? -1;
      if (SESSION_PROTOCOL_TYPES.has(code)) return null;
      const edited = code === 14 ? unwrap(m.editedMessage) : null;
      const editedText = edited?.conversation || edited?.extendedTextMessage?.text;
      return {
        type: 'UNSUPPORTED',
        text: editedText ? `✏️ edited a message: ${editedText}` : (PROTOCOL_SUMMARY[code] ?? `unsupported WhatsApp notice (protocol ${code})`),
        details: { protocol: code, targetExternalId: m.key?.id ?? null },
      };
    }
    default:
      return { type: 'UNSUPPORTED', text: `unsupported message (${type ?? 'empty'})`, details: { contentType: type ?? null }, ...quoted };
  }
}

/** The content's kind: its first key that holds content. */
function contentType(content: Content): string | undefined {
  return Object.keys(content).find((k) => !NOT_CONTENT.has(k) && content[k as keyof Content] != null);
}

function contextOf(content: Content, type: string | undefined): proto.IContextInfo | null {
  if (!type || type === 'conversation') return null;
  const inner = content[type as keyof Content] as { contextInfo?: proto.IContextInfo | null } | null;
  return inner && typeof inner === 'object' ? (inner.contextInfo ?? null) : null;
}

type MediaMessage = {
  url?: string | null;
  directPath?: string | null;
  mediaKey?: Uint8Array | string | null;
  mimetype?: string | null;
  fileLength?: number | string | { low: number; high: number } | null;
  fileSha256?: Uint8Array | string | null;
  fileEncSha256?: Uint8Array | string | null;
  mediaKeyTimestamp?: number | string | { low: number; high: number } | null;
};

/** The media's reference; `locator` keeps what downloading and decrypting it needs (connector/channels/baileys/media.ts). */
function mediaRef(key: WAMessageKey, mediaType: 'image' | 'video' | 'audio' | 'document' | 'sticker', m: MediaMessage, fileName?: string | null): NormalizedInbound['media'] {
  const size = numberOf(m.fileLength);
  return {
    id: key.id!,
    mimeType: m.mimetype ?? undefined,
    size: size ?? undefined,
    fileName: fileName ?? undefined,
    sha256: base64(m.fileSha256) ?? undefined,
    locator: {
      mediaType,
      url: m.url ?? null,
      directPath: m.directPath ?? null,
      mediaKey: base64(m.mediaKey),
      fileEncSha256: base64(m.fileEncSha256),
      mediaKeyTimestamp: numberOf(m.mediaKeyTimestamp),
    },
  };
}

function base64(value: Uint8Array | string | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

/** Protobuf's int64 arrives as a number, a decimal string or a Long ({ low, high }). */
function numberOf(value: number | string | { low: number; high: number } | null | undefined): number | null {
  if (value == null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number.isFinite(Number(value)) ? Number(value) : null;
  return value.high * 2 ** 32 + (value.low >>> 0);
}

function timestampOf(value: WAMessage['messageTimestamp']): Date | undefined {
  const seconds = numberOf(value as Parameters<typeof numberOf>[0]);
  return seconds ? new Date(seconds * 1000) : undefined;
}

function duration(seconds: number | null | undefined): string {
  if (!seconds) return '';
  return ` (${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')})`;
}

function nonEmpty(text: string | null | undefined, fallback: string): string {
  return text && text.trim() ? text : fallback;
}
