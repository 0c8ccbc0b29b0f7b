/**
 * A Cloud API webhook body → the platform's one inbound shape (NormalizedInbound) and its delivery
 * receipts (DeliveryReceipt). Pure: no I/O, no clock. Types the normalizer does not know are kept
 * as UNSUPPORTED with a readable text, never dropped.
 */
import type { DeliveryReceipt, InboundMediaRef, NormalizedInbound } from '../inbound-message';
import type { CloudMessage, CloudStatus, CloudWebhook } from './webhook-schema';

/** What one webhook body carries. */
export interface NormalizedWebhook {
  messages: NormalizedInbound[];
  receipts: DeliveryReceipt[];
  /** The senders' profile names, by E.164 number. */
  profiles: { phone: string; name: string }[];
}

/** Normalizes every message and status of every change of the body. */
export function normalize(body: CloudWebhook, channelId: string): NormalizedWebhook {
  const out: NormalizedWebhook = { messages: [], receipts: [], profiles: [] };
  for (const entry of body.entry) {
    for (const { field, value } of entry.changes) {
      if (field !== 'messages') continue;
      const names = new Map<string, string>();
      for (const contact of value.contacts ?? []) {
        if (contact.wa_id && contact.profile?.name) names.set(toE164(contact.wa_id), contact.profile.name);
      }
      out.profiles.push(...[...names].map(([phone, name]) => ({ phone, name })));
      for (const message of value.messages ?? []) out.messages.push(normalizeMessage(message, names.get(toE164(message.from)) ?? null));
      for (const status of value.statuses ?? []) {
        const receipt = normalizeStatus(status, channelId);
        if (receipt) out.receipts.push(receipt);
      }
    }
  }
  return out;
}

/** "16505551234" (a wa_id) → "+16505551234". */
export function toE164(waId: string): string {
  return `+${waId.replace(/^\+/, '')}`;
}

/** Readable texts for messages with no body of their own. */
export const SUMMARIES = {
  image: '📷 photo',
  video: '🎥 video',
  audio: '🎵 audio',
  voice: '🎤 voice message',
  sticker: '💟 sticker',
  document: (fileName?: string) => (fileName ? `📄 document: ${fileName}` : '📄 document'),
  location: (place: string) => `📍 location: ${place}`,
  contacts: (names: string[]) => (names.length === 1 ? `👤 contact: ${names[0]}` : `👥 ${names.length} contacts: ${names.join(', ')}`),
  reaction: (emoji: string | null) => (emoji ? `reacted ${emoji}` : 'removed a reaction'),
  order: (items: number) => `🛒 order: ${items} item${items === 1 ? '' : 's'}`,
  unsupported: (what: string) => `⚠️ unsupported message (${what})`,
};

function normalizeMessage(m: CloudMessage, name: string | null): NormalizedInbound {
  const base = {
    externalId: m.id,
    from: toE164(m.from),
    name,
    sentAt: new Date(Number(m.timestamp) * 1000),
    replyToExternalId: m.context?.id ?? null,
    forwarded: Boolean(m.context?.forwarded || m.context?.frequently_forwarded),
  };
  return { ...base, ...content(m) };
}

type Content = Pick<NormalizedInbound, 'type' | 'text'> & Partial<Pick<NormalizedInbound, 'media' | 'reaction' | 'details'>>;

function content(m: CloudMessage): Content {
  switch (m.type) {
    case 'text':
      if (m.text) return { type: 'TEXT', text: m.text.body };
      break;
    case 'image':
      if (m.image) return { type: 'IMAGE', text: m.image.caption || SUMMARIES.image, media: mediaRef(m.image) };
      break;
    case 'video':
      if (m.video) return { type: 'VIDEO', text: m.video.caption || SUMMARIES.video, media: mediaRef(m.video) };
      break;
    case 'audio':
      if (m.audio) return m.audio.voice ? { type: 'VOICE', text: SUMMARIES.voice, media: mediaRef(m.audio) } : { type: 'AUDIO', text: SUMMARIES.audio, media: mediaRef(m.audio) };
      break;
    case 'document':
      if (m.document) return { type: 'DOCUMENT', text: m.document.caption || SUMMARIES.document(m.document.filename), media: mediaRef(m.document) };
      break;
    case 'sticker':
      if (m.sticker) return { type: 'STICKER', text: SUMMARIES.sticker, media: mediaRef(m.sticker) };
      break;
    case 'location':
      if (m.location) {
        const { latitude, longitude, name, address, url } = m.location;
        return { type: 'LOCATION', text: SUMMARIES.location(name || address || `${latitude}, ${longitude}`), details: { latitude, longitude, name, address, url } };
      }
      break;
    case 'contacts':
      if (m.contacts?.length) {
        const names = m.contacts.map((c) => c.name?.formatted_name || c.name?.first_name || c.phones?.[0]?.phone || 'unnamed');
        return { type: 'CONTACTS', text: SUMMARIES.contacts(names), details: { contacts: m.contacts } };
      }
      break;
    case 'reaction':
      if (m.reaction) {
        // Meta sends a removal without `emoji`; older payloads with "emoji": "".
        const emoji = m.reaction.emoji || null;
        return { type: 'REACTION', text: SUMMARIES.reaction(emoji), reaction: { targetExternalId: m.reaction.message_id, emoji } };
      }
      break;
    case 'interactive': {
      const reply = m.interactive?.button_reply;
      if (reply) return { type: 'BUTTON_REPLY', text: reply.title, details: { id: reply.id, title: reply.title } };
      const row = m.interactive?.list_reply;
      if (row) return { type: 'LIST_REPLY', text: row.title, details: { id: row.id, title: row.title, description: row.description } };
      break;
    }
    case 'button':
      // A template's quick-reply button.
      if (m.button) return { type: 'BUTTON_REPLY', text: m.button.text, details: { title: m.button.text, payload: m.button.payload } };
      break;
    case 'order':
      if (m.order) {
        const items = m.order.product_items ?? [];
        return { type: 'ORDER', text: m.order.text || SUMMARIES.order(items.length), details: { catalogId: m.order.catalog_id, items } };
      }
      break;
  }
  return unsupported(m);
}

/** Anything else (unsupported, system, a known type without its object): kept, with what Meta said about it. */
function unsupported(m: CloudMessage): Content {
  const what = m.unsupported?.type ?? (m.type === 'unsupported' ? m.errors?.[0]?.title ?? 'unknown' : m.type);
  const text = m.type === 'system' && m.system?.body ? m.system.body : SUMMARIES.unsupported(what);
  return { type: 'UNSUPPORTED', text, details: { type: m.type, ...(m.errors ? { errors: m.errors.map((e) => ({ code: e.code, title: e.title })) } : {}) } };
}

function mediaRef(media: NonNullable<CloudMessage['image']>): InboundMediaRef {
  return { id: media.id, mimeType: media.mime_type, sha256: media.sha256, fileName: media.filename, size: media.file_size };
}

const RECEIPT_STATUSES: Record<string, DeliveryReceipt['status']> = {
  sent: 'SENT',
  delivered: 'DELIVERED',
  read: 'READ',
  // A voice message played: it was read too.
  played: 'READ',
  failed: 'FAILED',
};

function normalizeStatus(s: CloudStatus, channelId: string): DeliveryReceipt | null {
  const status = RECEIPT_STATUSES[s.status];
  if (!status) return null;
  const error = s.errors?.[0];
  return {
    channelId,
    externalId: s.id,
    status,
    at: new Date(Number(s.timestamp) * 1000),
    errorCode: error ? String(error.code) : null,
    errorReason: error ? [error.title ?? error.message, error.error_data?.details].filter(Boolean).join(': ') : null,
  };
}
