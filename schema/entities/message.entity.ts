import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Conversation } from './conversation.entity';
import { Channel } from './channel.entity';
import { User } from './user.entity';

export const DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const SENDER_TYPES = ['CONTACT', 'BOT', 'HUMAN'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];
/**
 * An outbound message's send (activities/messaging.activities.ts): PENDING → SENDING (written
 * before each channel call) → SENT | FAILED (refused for good) | UNCERTAIN (it may have reached
 * the wire, and resending could show it twice). DELIVERED and READ come from the wire after SENT.
 */
export const MESSAGE_STATUSES = ['PENDING', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'UNCERTAIN'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

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
    text: p.text(),
    status: p.enum(MESSAGE_STATUSES),
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
    // clock_timestamp, not now(): rows written in one transaction still sort in the order written.
    createdAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
  uniques: [{ properties: ['channelId', 'externalId'] }],
  indexes: [
    { name: 'messages_thread', properties: ['conversationId', 'createdAt', 'id'] },
    // The ingress outbox: inbound rows persisted but not yet signalled to their workflow.
    { name: 'messages_unsignalled', properties: ['createdAt'], where: "direction = 'INBOUND' and signaled_at is null" },
  ],
});
export type Message = InferEntity<typeof Message>;
