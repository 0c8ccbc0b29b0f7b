import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { COMMAND_KINDS } from '../../workflows/signals';
import { workspaceKey } from './workspace.entity';
import { Conversation } from './conversation.entity';
import { Message } from './message.entity';
import { User } from './user.entity';

export { COMMAND_KINDS, type CommandKind } from '../../workflows/signals';

/**
 * An agent command (take over, release, send, resend), recorded by the API before it is delivered
 * to the conversation workflow as the update with this id. `appliedAt` is written by the
 * workflow's activity with the command's effect; until then the command outbox redelivers it.
 */
export const ConversationCommand = defineEntity({
  name: 'ConversationCommand',
  tableName: 'conversation_commands',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    conversationId: p.manyToOne(Conversation).mapToPk().fieldName('conversation_id').deleteRule('cascade'),
    kind: p.enum(COMMAND_KINDS),
    /** SEND_MESSAGE: the agent's PENDING message; RESEND_MESSAGE: the message resent; APPROVE_DRAFT / REJECT_DRAFT: the draft. */
    messageId: p.manyToOne(Message).mapToPk().fieldName('message_id').nullable().deleteRule('cascade'),
    /** RESEND_MESSAGE: 1 for the first copy of the message, 2 for the next… */
    resendNumber: p.integer().nullable(),
    /** APPROVE_DRAFT: the agent's edited text (null: the draft as written). */
    text: p.text().nullable(),
    userId: p.manyToOne(User).mapToPk().fieldName('user_id').nullable().deleteRule('set null'),
    // clock_timestamp, not now(): the outbox delivers in this order, and it is the order the commands were given.
    createdAt: p.datetime().defaultRaw('clock_timestamp()'),
    appliedAt: p.datetime().nullable(),
  },
  // A message's copies are numbered once each (the API numbers them under the original's row lock).
  uniques: [{ properties: ['messageId', 'resendNumber'] }],
  // The command outbox: commands recorded but not applied yet.
  indexes: [{ name: 'conversation_commands_unapplied', properties: ['createdAt'], where: 'applied_at is null' }],
});
export type ConversationCommand = InferEntity<typeof ConversationCommand>;
