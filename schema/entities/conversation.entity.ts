import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Channel } from './channel.entity';
import { Contact } from './contact.entity';

export const CONVERSATION_MODES = ['BOT', 'HUMAN'] as const;
export type ConversationMode = (typeof CONVERSATION_MODES)[number];

/** One contact on one channel; its live state is the conversation workflow `workflowId`. */
export const Conversation = defineEntity({
  name: 'Conversation',
  tableName: 'conversations',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    channel: p.manyToOne(Channel).deleteRule('cascade'),
    contact: p.manyToOne(Contact).deleteRule('cascade'),
    mode: p.enum(CONVERSATION_MODES).default('BOT'),
    unreadCount: p.integer().default(0),
    lastMessageAt: p.datetime().defaultRaw('now()'),
    /** lastMessageAt to the microsecond, as ISO text (a JS Date keeps milliseconds): what an inbox cursor holds. */
    lastMessageAtExact: p
      .formula<string>((cols) => `to_char(${cols.lastMessageAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)
      .type('string')
      .lazy(),
    lastMessageText: p.text().nullable(),
    workflowId: p.text(),
    /** When the human-mode SLA passed with the customer still waiting; cleared by an agent reply or release. */
    slaBreachedAt: p.datetime().nullable(),
    /** Why the bot handed the conversation to a human ("AI unavailable", "low confidence", a sensitive topic…); cleared on release. */
    handoverReason: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ properties: ['channel', 'contact'] }],
  indexes: [
    {
      name: 'conversations_inbox',
      // The inbox: a workspace's conversations, newest activity first (keyset on last_message_at, id). An
      // expression, as MikroORM 7.2 reads "id desc" after "workspace_id" back as "id" (its column match hits the suffix).
      expression: 'create index conversations_inbox on conversations (workspace_id, last_message_at desc, id desc)',
    },
  ],
});
export type Conversation = InferEntity<typeof Conversation>;
