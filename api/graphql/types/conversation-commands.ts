/**
 * What an agent does to a conversation: reply, resend, take over, release, mark read, block a contact.
 * Reply, resend, take over and release are durable commands (DESIGN.md, "Commands are durable"):
 * recorded in Postgres, then delivered to the conversation workflow, which decides and writes the
 * effect (mode, SLA, the message to send) through its own activity; the command outbox delivers
 * any the workflow never received.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { builder } from '../builder';
import { AGENTS, requireAuth, type GraphQLContext } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Contact } from '../../../schema/entities/contact.entity';
import { Conversation } from '../../../schema/entities/conversation.entity';
import { ConversationCommand } from '../../../schema/entities/conversation-command.entity';
import { Message, type MessageStatus } from '../../../schema/entities/message.entity';
import { ContactType } from './contact';
import { ConversationType, findConversation } from './conversation';
import { MessageType, loadMessage } from './message';
import { notifyPerRow, publish } from '../../../activities/events';
import { afterCommandRecordedFault } from '../../../activities/test-faults';
import { conversationRef, deliverCommand, type CommandRow } from '../../../workflows/conversation.client';
import { agentMessageKey, resendKey } from '../../../workflows/ids';
import type { CommandResult } from '../../../workflows/signals';

const uuid = z.string().uuid('is not a valid id');
/** Statuses a resend is for: the send failed, or may not have reached the wire. */
const RESENDABLE: readonly MessageStatus[] = ['FAILED', 'UNCERTAIN'];

const SendMessageInput = builder.inputType('SendMessageInput', {
  fields: (t) => ({ conversationId: t.id({ required: true }), text: t.string({ required: true }) }),
});
const sendSchema = z.object({
  conversationId: z.string(),
  text: z.string().trim().min(1, 'is empty').max(4096, 'is longer than WhatsApp allows (4096 characters)'),
});

builder.mutationField('sendMessage', (t) =>
  t.field({
    type: MessageType,
    description: "An agent's reply: recorded PENDING, then sent by the conversation workflow.",
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const auth = requireAuth(ctx, AGENTS);
      const input = validate(sendSchema, args.input);
      const conversation = await findConversation(ctx.orm.em.fork(), auth.workspaceId, input.conversationId);
      return sendAgentMessage(ctx, conversation, { text: input.text });
    },
  }),
);

/**
 * An agent's message on the durable command path: recorded PENDING (with `fields`) together with its
 * SEND_MESSAGE command, then sent by the conversation workflow. sendMessage, and the Cloud API's
 * sendTemplate and sendTestMessage, send this way.
 */
export async function sendAgentMessage(ctx: GraphQLContext, conversation: Conversation, fields: Pick<Message, 'text'> & Partial<Message>): Promise<Message> {
  const auth = requireAuth(ctx, AGENTS);
  const messageId = randomUUID();
  await command(ctx, conversation, { kind: 'SEND_MESSAGE', messageId }, async (tx) => {
    tx.create(Message, {
      ...fields,
      id: messageId,
      workspaceId: auth.workspaceId,
      conversationId: conversation.id,
      channelId: conversation.channel.id,
      direction: 'OUTBOUND',
      senderType: 'HUMAN',
      senderUserId: auth.userId,
      status: 'PENDING',
      idempotencyKey: agentMessageKey(messageId),
    });
    await tx.flush();
    await publish(tx, { type: 'messageAdded', workspaceId: auth.workspaceId, conversationId: conversation.id, messageId });
  });
  return (await loadMessage(ctx.orm.em.fork(), auth.workspaceId, messageId))!;
}

builder.mutationField('resendMessage', (t) =>
  t.field({
    type: MessageType,
    nullable: true,
    description:
      'Sends a FAILED or UNCERTAIN message again, as a new message (key `resend:<messageId>:<n>`). Returns the copy, PENDING; ' +
      'null when the conversation has not taken the command yet (it will: the command is recorded).',
    args: { messageId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const messageId = String(args.messageId);
      if (!uuid.safeParse(messageId).success) throw notFound('message');
      const em = ctx.orm.em.fork();
      const original = await em.findOne(Message, { id: messageId, workspaceId });
      if (!original) throw notFound('message');
      const conversation = await findConversation(em, workspaceId, original.conversationId);
      const result = await command(ctx, conversation, { kind: 'RESEND_MESSAGE', messageId }, async (tx) => {
        // Locked, so two resends at once number their copies 1 and 2, or the second one is refused.
        const locked = await tx.findOneOrFail(Message, { id: messageId, workspaceId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (locked.direction !== 'OUTBOUND' || !RESENDABLE.includes(locked.status)) {
          throw badInput(`messageId: only a FAILED or UNCERTAIN message can be resent; this one is ${locked.direction === 'OUTBOUND' ? locked.status : 'INBOUND'}`, 'messageId');
        }
        const last = await tx.findOne(ConversationCommand, { workspaceId, kind: 'RESEND_MESSAGE', messageId }, { orderBy: { resendNumber: 'desc' } });
        if (last) {
          const copy = await tx.findOne(Message, { idempotencyKey: resendKey(messageId, last.resendNumber!), workspaceId });
          if (!copy || !RESENDABLE.includes(copy.status)) throw badInput(`messageId: was resent already (the copy is ${copy?.status ?? 'queued'})`, 'messageId');
        }
        return { resendNumber: (last?.resendNumber ?? 0) + 1 };
      });
      return result?.messageId ? loadMessage(em, workspaceId, result.messageId) : null;
    },
  }),
);

builder.mutationField('takeOver', (t) =>
  t.field({
    type: ConversationType,
    description:
      'An agent takes the conversation: the bot stays silent until release. Returns the conversation as its workflow left it; ' +
      'if the workflow cannot be reached in time the command stays recorded and takes effect when it can (conversationUpdated tells).',
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => changeMode(ctx, String(args.conversationId), 'TAKE_OVER'),
  }),
);

builder.mutationField('release', (t) =>
  t.field({
    type: ConversationType,
    description: 'Hands the conversation back to the bot (durable like takeOver).',
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => changeMode(ctx, String(args.conversationId), 'RELEASE'),
  }),
);

builder.mutationField('markRead', (t) =>
  t.field({
    type: ConversationType,
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const em = ctx.orm.em.fork();
      const conversation = await findConversation(em, workspaceId, String(args.conversationId));
      await em.nativeUpdate(Conversation, { id: conversation.id, workspaceId }, { unreadCount: 0 });
      if (conversation.unreadCount > 0) await publish(em, { type: 'conversationUpdated', workspaceId, conversationId: conversation.id });
      conversation.unreadCount = 0;
      return conversation;
    },
  }),
);

for (const [name, blocked] of [['blockContact', true], ['unblockContact', false]] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: ContactType,
      description: blocked
        ? 'Spam or abuse: the contact\'s messages are still kept, but the bot never answers them and no SLA runs.'
        : 'The bot answers the contact again.',
      args: { contactId: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => setBlocked(ctx, String(args.contactId), blocked),
    }),
  );
}

/**
 * Takes effect with the contact's next message. Not a workflow command: the flag lives only in
 * Postgres, the ingress reads it in the transaction that stores each message and hands it to the
 * workflow with that message, so there is no second copy that could disagree.
 */
async function setBlocked(ctx: GraphQLContext, contactId: string, blocked: boolean): Promise<Contact> {
  const { workspaceId } = requireAuth(ctx, AGENTS);
  if (!uuid.safeParse(contactId).success) throw notFound('contact');
  return ctx.orm.em.fork().transactional(async (tx) => {
    const em = tx as EntityManager;
    const contact = await em.findOne(Contact, { id: contactId, workspaceId });
    if (!contact) throw notFound('contact');
    contact.blocked = blocked;
    await em.flush();
    // Every open inbox showing one of the contact's conversations hears of it (at commit), in one statement.
    await em.execute(`select ${notifyPerRow('conversationUpdated', { workspaceId: 'workspace_id', conversationId: 'id' })} from conversations where contact_id = ? and workspace_id = ?`, [
      contactId,
      workspaceId,
    ]);
    return contact;
  });
}

async function changeMode(ctx: GraphQLContext, conversationId: string, kind: 'TAKE_OVER' | 'RELEASE'): Promise<Conversation> {
  const { workspaceId } = requireAuth(ctx, AGENTS);
  const em = ctx.orm.em.fork();
  const conversation = await findConversation(em, workspaceId, conversationId);
  await command(ctx, conversation, { kind });
  // Written by the workflow's activity before the update returned: what the workflow decided (read
  // in a new fork: this one's identity map holds the row as it was before the command).
  return findConversation(ctx.orm.em.fork(), workspaceId, conversation.id);
}

/**
 * Records a command (with `record`'s writes, in one transaction), then delivers it and waits for the
 * workflow to apply it. Recorded means accepted: when the delivery fails or takes too long, the
 * result is null and the command outbox (connector/outbox.ts) delivers it.
 */
export async function command(
  ctx: GraphQLContext,
  conversation: Conversation,
  what: Pick<CommandRow, 'kind'> & Partial<Pick<CommandRow, 'messageId' | 'resendNumber' | 'text'>>,
  record?: (tx: EntityManager) => Promise<Partial<Pick<CommandRow, 'resendNumber'>> | void>,
): Promise<CommandResult | null> {
  const auth = requireAuth(ctx, AGENTS);
  const row = await ctx.orm.em.fork().transactional(async (tx) => {
    const extra = (await record?.(tx as EntityManager)) ?? {};
    return tx.create(ConversationCommand, {
      id: randomUUID(),
      workspaceId: conversation.workspaceId,
      conversationId: conversation.id,
      kind: what.kind,
      messageId: what.messageId ?? null,
      resendNumber: extra.resendNumber ?? what.resendNumber ?? null,
      text: what.text ?? null,
      userId: auth.userId,
    });
  });
  afterCommandRecordedFault(ctx.config.testFaults);
  try {
    return await deliverCommand({ temporal: ctx.temporal, taskQueue: ctx.config.taskQueue }, conversationRef(conversation), row);
  } catch (err) {
    // The workflow refused the command: a defect, not an outage, so the caller hears of it.
    if (err instanceof WorkflowUpdateFailedError) throw err;
    // Temporal unreachable or slow: recorded, so not lost; the outbox delivers it and the inbox hears of its effect live.
    return null;
  }
}
