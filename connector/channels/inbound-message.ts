/**
 * The one shape every channel's inbound message is normalized into (connector/channels/<kind>/
 * normalize.ts), and the one shape a channel reports a delivery receipt in. Pure types.
 */

/** Mirrors GraphQL's MessageType. */
export const MESSAGE_TYPES = [
  'TEXT', 'IMAGE', 'AUDIO', 'VOICE', 'VIDEO', 'DOCUMENT', 'STICKER', 'LOCATION', 'CONTACTS',
  'REACTION', 'BUTTON_REPLY', 'LIST_REPLY', 'POLL', 'ORDER', 'UNSUPPORTED',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Where an inbound message's media can be fetched from (by the channel that received it). */
export interface InboundMediaRef {
  /** The channel's id for the media (Cloud API media id; for Baileys the message id). */
  id: string;
  mimeType?: string;
  size?: number;
  fileName?: string;
  sha256?: string;
  /**
   * What the channel needs to download it, opaque to everyone else and stored with the message
   * (Baileys: the media message's url, directPath, mediaKey…; Cloud API: nothing beyond the id).
   */
  locator?: Record<string, unknown>;
}

/** One inbound WhatsApp message, normalized. */
export interface NormalizedInbound {
  /** WhatsApp's message id (the wamid, or WhatsApp Web's key.id): unique per channel. */
  externalId: string;
  /** The customer's number, E.164 ("+4915112345678"), whichever address (LID or phone) it came from. */
  from: string;
  /** The customer's profile name, when the wire says it. */
  name?: string | null;
  /** When WhatsApp says it was sent. */
  sentAt?: Date;
  type: MessageType;
  /** The body or caption, or a readable summary ("📍 location: Cafe Uno", "🎤 voice message"). Never empty. */
  text: string;
  /** The WhatsApp id of the message it quotes. */
  replyToExternalId?: string | null;
  forwarded?: boolean;
  media?: InboundMediaRef | null;
  /** type REACTION: the message reacted to and the emoji (null or "": the reaction was removed). */
  reaction?: { targetExternalId: string; emoji: string | null } | null;
  /** Type-specific details kept for display (location, contacts, the chosen button or row, poll, order). */
  details?: Record<string, unknown> | null;
  /**
   * Baileys only: typed on the business's own phone (key.fromMe). Recorded as a HUMAN outbound
   * message; `from` is then the customer it was sent to.
   */
  fromMe?: boolean;
}

/** A delivery receipt from the wire, for a message we sent. */
export interface DeliveryReceipt {
  channelId: string;
  /** The external id our send got back (SENT → externalId). */
  externalId: string;
  status: 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';
  at: Date;
  /** FAILED: the channel's error code and its reason in words. */
  errorCode?: string | null;
  errorReason?: string | null;
}

/**
 * Where channels hand their receipts (connector/receipts.ts). A receipt for an id not recorded
 * yet (it can arrive before the send's SENT mark) is kept and applied when the mark lands.
 * Statuses only move forward (READ never goes back to DELIVERED).
 */
export interface ReceiptSink {
  apply(receipts: DeliveryReceipt[]): Promise<void>;
}
