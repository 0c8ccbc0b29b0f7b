import { defineEntity, p } from '@mikro-orm/core';
import type { CommandKind } from '../../workflows/signals';

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
    workspaceId: p.uuid(),
    conversationId: p.uuid(),
    kind: p.text().$type<CommandKind>(),
    /** SEND_MESSAGE: the agent's PENDING message; RESEND_MESSAGE: the message resent. */
    messageId: p.uuid().nullable(),
    /** RESEND_MESSAGE: 1 for the first copy of the message, 2 for the next… */
    resendNumber: p.integer().nullable(),
    userId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    appliedAt: p.datetime().nullable(),
  },
  // The command outbox: commands recorded but not applied yet.
  indexes: [{ name: 'conversation_commands_unapplied', properties: ['createdAt'], where: 'applied_at is null' }],
});
