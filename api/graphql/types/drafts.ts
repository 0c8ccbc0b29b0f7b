/**
 * AI drafts (approval mode): an agent approves one (sent once, edited if they changed it) or
 * rejects it (never sent). Both are durable commands on the conversation's command path
 * (conversation-commands.ts): recorded, delivered by update, applied once by the workflow, and
 * redelivered by the outbox if the workflow did not take them.
 */
import { z } from 'zod';
import { LockMode } from '@mikro-orm/core';
import { builder } from '../builder';
import { AGENTS, requireAuth, type GraphQLContext } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Message } from '../../../schema/entities/message.entity';
import { findConversation } from './conversation';
import { MessageType, loadMessage } from './message';
import { command } from './conversation-commands';

const uuid = z.string().uuid();
const editedText = z.string().trim().min(1, 'is empty (leave it out to send the draft as written)').max(4096, 'is longer than WhatsApp allows (4096 characters)').nullish();

builder.mutationField('approveDraft', (t) =>
  t.field({
    type: MessageType,
    description: "Sends an AI draft, with `text` instead of the AI's if given, exactly once (approving again, or by two agents at once, sends nothing more).",
    args: { messageId: t.arg.id({ required: true }), text: t.arg.string() },
    resolve: (_root, args, ctx) => decide(ctx, String(args.messageId), 'APPROVE_DRAFT', validate(z.object({ text: editedText }), { text: args.text }).text ?? null),
  }),
);

builder.mutationField('rejectDraft', (t) =>
  t.field({
    type: MessageType,
    description: 'Discards an AI draft: it stays in the thread as REJECTED and is never sent.',
    args: { messageId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => decide(ctx, String(args.messageId), 'REJECT_DRAFT', null),
  }),
);

async function decide(ctx: GraphQLContext, messageId: string, kind: 'APPROVE_DRAFT' | 'REJECT_DRAFT', text: string | null): Promise<Message> {
  const { workspaceId } = requireAuth(ctx, AGENTS);
  if (!uuid.safeParse(messageId).success) throw notFound('message');
  const em = ctx.orm.em.fork();
  const draft = await em.findOne(Message, { id: messageId, workspaceId });
  if (!draft) throw notFound('message');
  const conversation = await findConversation(em, workspaceId, draft.conversationId);
  await command(ctx, conversation, { kind, messageId, text }, async (tx) => {
    // Under the row's lock: a draft decided already (its command applied) is refused here, not recorded again.
    const locked = await tx.findOneOrFail(Message, { id: messageId, workspaceId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (locked.status !== 'DRAFT') throw badInput(`messageId: this message is not a draft waiting for approval (it is ${locked.status})`, 'messageId');
  });
  // The workflow's activity wrote the decision before the update returned (a new fork: this one holds the row as it was).
  return (await loadMessage(ctx.orm.em.fork(), workspaceId, messageId))!;
}
