import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Conversation } from './conversation.entity';
import { Channel } from './channel.entity';
import { User } from './user.entity';
import { MESSAGE_TYPES, type InboundMediaRef } from '../../connector/channels/inbound-message';

export { MESSAGE_TYPES, type MessageType } from '../../connector/channels/inbound-message';

export const DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const SENDER_TYPES = ['CONTACT', 'BOT', 'HUMAN'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];
/**
 * An outbound message's send (activities/messaging.activities.ts): PENDING → SENDING (written
 * before each channel call) → SENT | FAILED (refused for good) | UNCERTAIN (it may have reached
 * the wire, and resending could show it twice). DELIVERED and READ come from the wire after SENT.
 * An AI reply in approval mode starts as a DRAFT: approved it becomes PENDING, rejected REJECTED (never sent).
 */
export const MESSAGE_STATUSES = ['PENDING', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'UNCERTAIN', 'DRAFT', 'REJECTED'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A message's media: where the channel can fetch it, and once stored (connector/media) its blob. */
export interface StoredMedia extends InboundMediaRef {
  /** Set when the bytes are in the blob store; an outbound message may carry one to send a stored file. */
  blobKey?: string;
  /** Outbound: media fetched by the channel from this URL. */
  url?: string;
  /** Why the bytes were not stored (too large, not what the message said they were): never fetched again. */
  refused?: string;
}

/**
 * One WhatsApp message. Inbound rows are unique per channel on the WhatsApp id (externalId);
 * outbound rows are unique on the idempotency key their send carries.
 */
export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    conversationId: p.manyToOne(Conversation).mapToPk().fieldName('conversation_id').deleteRule('cascade'),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    direction: p.enum(DIRECTIONS),
    senderType: p.enum(SENDER_TYPES),
    senderUserId: p.manyToOne(User).mapToPk().fieldName('sender_user_id').nullable().deleteRule('set null'),
    type: p.enum(MESSAGE_TYPES).default('TEXT'),
    /** The body or caption, or a readable summary of a message without one ("📍 location: Cafe Uno"). */
    text: p.text(),
    media: p.json<StoredMedia>().nullable(),
    /** Type-specific details (location, contacts, the chosen button or row, poll, order; outbound: buttons, list, template, reaction). */
    details: p.json<Record<string, unknown>>().nullable(),
    /** The WhatsApp id of the message it quotes. */
    replyToExternalId: p.text().nullable(),
    forwarded: p.boolean().default(false),
    status: p.enum(MESSAGE_STATUSES),
    /** FAILED by the wire (a receipt): the channel's error code. */
    failureCode: p.text().nullable(),
    /** Why a send is FAILED or UNCERTAIN, in words an agent can act on. */
    failureReason: p.text().nullable(),
    externalId: p.text().nullable(),
    idempotencyKey: p.text().nullable().unique(),
    replyToId: p.uuid().nullable(),
    /** When the ingress handed the row to its workflow; null: still in the outbox. */
    signaledAt: p.datetime().nullable(),
    /** Channel calls made for this message (each one is recorded SENDING before it starts). */
    sendAttempts: p.integer().default(0),
    /** When the last channel call started. */
    sendingAt: p.datetime().nullable(),
    sentAt: p.datetime().nullable(),
    /** From the wire's receipts (connector/receipts.ts). */
    deliveredAt: p.datetime().nullable(),
    readAt: p.datetime().nullable(),
    /** Inbound: when the channel was told the customer's messages up to this one were read (blue ticks); at most once. */
    readMarkedAt: p.datetime().nullable(),
    // clock_timestamp, not now(): rows written in one transaction still sort in the order written.
    createdAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
  uniques: [{ properties: ['channelId', 'externalId'] }],
  indexes: [
    { name: 'messages_thread', properties: ['conversationId', 'createdAt', 'id'] },
    // The ingress outbox: inbound rows persisted but not yet signalled to their workflow.
    { name: 'messages_unsignalled', properties: ['createdAt'], where: "direction = 'INBOUND' and signaled_at is null" },
    // Inbound rows whose read the channel has not been told of yet (a send marks them, activities/mark-read.ts).
    { name: 'messages_read_unmarked', properties: ['conversationId'], where: "direction = 'INBOUND' and read_marked_at is null" },
  ],
});
export type Message = InferEntity<typeof Message>;
