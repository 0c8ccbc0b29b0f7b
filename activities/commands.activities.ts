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
  /** APPROVE_DRAFT / REJECT_DRAFT: the draft, and for an approval the agent's edit (null: as the AI wrote it). */
  draft?: { messageId: string; approve: boolean; text: string | null };
}

/** The bot handed a conversation to a human (activities/ai): the mode and why, mirrored in Postgres. */
export interface HandOver {
  workspaceId: string;
  conversationId: string;
  reason: string;
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
    async applyCommandEffect(effect: CommandEffect): Promise<{ copy: ResentCopy | null; approved?: { idempotencyKey: string } | null }> {
      return ctx.orm.em.fork().transactional(async (em) => {
        const conversation = await em.findOneOrFail(Conversation, { id: effect.conversationId, workspaceId: effect.workspaceId });
        const changed = conversation.mode !== effect.mode || (effect.clearSla && conversation.slaBreachedAt !== null);
        conversation.mode = effect.mode;
        if (effect.clearSla) conversation.slaBreachedAt = null;
        // Back with the bot, the reason it was handed over no longer holds.
        if (effect.mode === 'BOT') conversation.handoverReason = null;
        const copy = effect.resend ? await writeCopy(em as EntityManager, effect.workspaceId, effect.resend) : null;
        const approved = effect.draft ? await decideDraft(em as EntityManager, effect.workspaceId, effect.conversationId, effect.draft) : null;
        await em.nativeUpdate(ConversationCommand, { id: effect.commandId, appliedAt: null }, { appliedAt: new Date() });
        await em.flush();
        if (changed) await publish(em as EntityManager, { type: 'conversationUpdated', workspaceId: effect.workspaceId, conversationId: effect.conversationId });
        if (copy?.added) await publish(em as EntityManager, { type: 'messageAdded', workspaceId: effect.workspaceId, conversationId: effect.conversationId, messageId: copy.id });
        return { copy: copy && { id: copy.id, senderType: copy.senderType }, approved };
      });
    },

    /**
     * The AI route escalated: human mode with the reason, and every open inbox hears of it (the
     * banner, the conversation moving to the humans' list). Idempotent: a retry writes the same.
     */
    async handOverToHuman(input: HandOver): Promise<void> {
      await ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        await em.nativeUpdate(Conversation, { id: input.conversationId, workspaceId: input.workspaceId }, { mode: 'HUMAN', handoverReason: input.reason });
        await publish(em, { type: 'conversationUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId });
      });
    },
  };
}

/**
 * Approves (DRAFT → PENDING, with the edit) or rejects (DRAFT → REJECTED) a draft, only while it
 * is a DRAFT: of two approvals the first decides, the second changes nothing. Returns the key to
 * send an approved draft under while it is still unsent (a retry of this activity finds it
 * PENDING and sends it all the same; the send's state machine sends a row once).
 */
async function decideDraft(em: EntityManager, workspaceId: string, conversationId: string, draft: NonNullable<CommandEffect['draft']>): Promise<{ idempotencyKey: string } | null> {
  const changes = draft.approve ? { status: 'PENDING' as const, ...(draft.text ? { text: draft.text } : {}) } : { status: 'REJECTED' as const };
  const moved = await em.nativeUpdate(Message, { id: draft.messageId, workspaceId, status: 'DRAFT' }, changes);
  if (moved) await publish(em, { type: 'messageUpdated', workspaceId, conversationId, messageId: draft.messageId });
  if (!draft.approve) return null;
  const row = await em.findOne(Message, { id: draft.messageId, workspaceId }, { fields: ['status', 'idempotencyKey'] });
  return row && (row.status === 'PENDING' || row.status === 'SENDING') && row.idempotencyKey ? { idempotencyKey: row.idempotencyKey } : null;
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
