import { defineEntity, p } from '@mikro-orm/core';

export const DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const SENDER_TYPES = ['CONTACT', 'BOT', 'HUMAN'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];
export const MESSAGE_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED'] as const;
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
    workspaceId: p.uuid(),
    conversationId: p.uuid(),
    channelId: p.uuid(),
    direction: p.text().$type<Direction>(),
    senderType: p.text().$type<SenderType>(),
    senderUserId: p.uuid().nullable(),
    text: p.text(),
    status: p.text().$type<MessageStatus>(),
    failureReason: p.text().nullable(),
    externalId: p.text().nullable(),
    idempotencyKey: p.text().nullable(),
    replyToId: p.uuid().nullable(),
    signaledAt: p.datetime().nullable(),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
