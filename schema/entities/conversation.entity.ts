import { defineEntity, p } from '@mikro-orm/core';

export const CONVERSATION_MODES = ['BOT', 'HUMAN'] as const;
export type ConversationMode = (typeof CONVERSATION_MODES)[number];

/** One contact on one channel; its live state is the conversation workflow `workflowId`. */
export const Conversation = defineEntity({
  name: 'Conversation',
  tableName: 'conversations',
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid(),
    channelId: p.uuid(),
    contactId: p.uuid(),
    mode: p.text().$type<ConversationMode>(),
    unreadCount: p.integer().default(0),
    lastMessageAt: p.datetime().onCreate(() => new Date()),
    lastMessageText: p.text().nullable(),
    workflowId: p.text(),
    slaBreachedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
