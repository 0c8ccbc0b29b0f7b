import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityContext } from './context';
import { publish } from './events';
import { Conversation } from '../schema/entities/conversation.entity';
import { ConversationCommand } from '../schema/entities/conversation-command.entity';
import { Message, type SenderType } from '../schema/entities/message.entity';
import type { ConversationMode } from '../workflows/routing';

/** What the conversation workflow decided for one agent command, to be mirrored in Postgres. */
export interface CommandEffect {
  workspaceId: string;
  conversationId: string;
  commandId: string;
  /** The workflow's mode after the command: conversations.mode is written only from here. */
  mode: ConversationMode;
  /** Nobody waits for an agent any more (an agent replied, or the bot took over again). */
  clearSla: boolean;
  /** RESEND_MESSAGE: the copy of `messageId` to write, PENDING, under its own key. */
  resend?: { messageId: string; idempotencyKey: string };
}

/** The copy a resend wrote, for the workflow to send. */
export interface ResentCopy {
  id: string;
  senderType: SenderType;
}

export type CommandActivities = ReturnType<typeof createCommandActivities>;

/** The conversation workflow's command effects (worker role, run as local activities). */
export function createCommandActivities(ctx: ActivityContext) {
  return {
    /**
     * Writes a command's effect and marks the command applied, in one transaction: the outbox stops
     * redelivering it exactly when its effect is visible. Idempotent: a retry writes the same state
     * and finds the copy it wrote before (unique idempotency key).
     */
    async applyCommandEffect(effect: CommandEffect): Promise<{ copy: ResentCopy | null }> {
      return ctx.orm.em.fork().transactional(async (em) => {
        const conversation = await em.findOneOrFail(Conversation, { id: effect.conversationId, workspaceId: effect.workspaceId });
        const changed = conversation.mode !== effect.mode || (effect.clearSla && conversation.slaBreachedAt !== null);
        conversation.mode = effect.mode;
        if (effect.clearSla) conversation.slaBreachedAt = null;
        const copy = effect.resend ? await writeCopy(em as EntityManager, effect.workspaceId, effect.resend) : null;
        await em.nativeUpdate(ConversationCommand, { id: effect.commandId, appliedAt: null }, { appliedAt: new Date() });
        await em.flush();
        if (changed) await publish(em as EntityManager, { type: 'conversationUpdated', workspaceId: effect.workspaceId, conversationId: effect.conversationId });
        if (copy?.added) await publish(em as EntityManager, { type: 'messageAdded', workspaceId: effect.workspaceId, conversationId: effect.conversationId, messageId: copy.id });
        return { copy: copy && { id: copy.id, senderType: copy.senderType } };
      });
    },
  };
}

async function writeCopy(em: EntityManager, workspaceId: string, resend: NonNullable<CommandEffect['resend']>): Promise<ResentCopy & { added: boolean }> {
  const existing = await em.findOne(Message, { idempotencyKey: resend.idempotencyKey, workspaceId });
  if (existing) return { id: existing.id, senderType: existing.senderType, added: false };
  const original = await em.findOneOrFail(Message, { id: resend.messageId, workspaceId });
  const copy = em.create(Message, {
    id: randomUUID(),
    workspaceId,
    conversationId: original.conversationId,
    channelId: original.channelId,
    direction: 'OUTBOUND',
    senderType: original.senderType,
    senderUserId: original.senderUserId,
    text: original.text,
    status: 'PENDING',
    idempotencyKey: resend.idempotencyKey,
    replyToId: original.replyToId,
  });
  // Written by the caller's flush, in its transaction.
  return { id: copy.id, senderType: copy.senderType, added: true };
}
