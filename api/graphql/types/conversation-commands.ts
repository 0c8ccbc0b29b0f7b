/**
 * What an agent does to a conversation: reply, take over, release, mark read, block a contact.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, requireAuth, type GraphQLContext } from '../context';
import { notFound, validate } from '../errors';
import type { ConversationMode } from '../../../schema/entities/conversation.entity';
import { Contact } from '../../../schema/entities/contact.entity';
import type { Conversation } from '../../../schema/entities/conversation.entity';
import { ContactType } from './contact';
import { ConversationType, findConversation } from './conversation';
import { MessageType, loadMessage } from './message';
import { notifyPerRow, publish } from '../../../activities/events';
import { signalConversation } from '../../../connector/signal';
import { CONVERSATION_SIGNALS } from '../../../workflows/signals';
import { agentMessageKey } from '../../../workflows/ids';

const uuid = z.string().uuid('is not a valid id');

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
      const em = ctx.orm.em.fork();
      const conversation = await findConversation(em, auth.workspaceId, input.conversationId);
      const id = randomUUID();
      await em.execute(
        `insert into messages (id, workspace_id, conversation_id, channel_id, direction, sender_type, sender_user_id, text, status, idempotency_key)
         values (?, ?, ?, ?, 'OUTBOUND', 'HUMAN', ?, ?, 'PENDING', ?)`,
        [id, auth.workspaceId, conversation.id, conversation.channel.id, auth.userId, input.text, agentMessageKey(id)],
      );
      await em.execute('update conversations set sla_breached_at = null where id = ?', [conversation.id]);
      await publish(em, { type: 'messageAdded', workspaceId: auth.workspaceId, conversationId: conversation.id, messageId: id });
      if (conversation.slaBreachedAt) await publish(em, { type: 'conversationUpdated', workspaceId: auth.workspaceId, conversationId: conversation.id });
      await signal(ctx, conversation, CONVERSATION_SIGNALS.agentMessage, [{ messageId: id }]);
      return (await loadMessage(em, auth.workspaceId, id))!;
    },
  }),
);

builder.mutationField('takeOver', (t) =>
  t.field({
    type: ConversationType,
    description: 'An agent takes the conversation: the bot stays silent until release.',
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => setMode(ctx, String(args.conversationId), 'HUMAN'),
  }),
);

builder.mutationField('release', (t) =>
  t.field({
    type: ConversationType,
    description: 'Hands the conversation back to the bot.',
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => setMode(ctx, String(args.conversationId), 'BOT'),
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
      await em.execute('update conversations set unread_count = 0 where id = ? and workspace_id = ?', [conversation.id, workspaceId]);
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

/** Takes effect with the contact's next message: the ingress reads the flag for every message. */
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

async function setMode(ctx: GraphQLContext, conversationId: string, mode: ConversationMode): Promise<Conversation> {
  const { workspaceId } = requireAuth(ctx, AGENTS);
  const em = ctx.orm.em.fork();
  const conversation = await findConversation(em, workspaceId, conversationId);
  // Back to the bot, nobody is waiting for an agent any more.
  await em.execute('update conversations set mode = ?, sla_breached_at = case when ? then null else sla_breached_at end where id = ? and workspace_id = ?', [
    mode,
    mode === 'BOT',
    conversation.id,
    workspaceId,
  ]);
  await publish(em, { type: 'conversationUpdated', workspaceId, conversationId: conversation.id });
  await signal(ctx, conversation, mode === 'HUMAN' ? CONVERSATION_SIGNALS.takeOver : CONVERSATION_SIGNALS.release, []);
  conversation.mode = mode;
  if (mode === 'BOT') conversation.slaBreachedAt = null;
  return conversation;
}

function signal(ctx: GraphQLContext, c: Conversation, name: string, args: unknown[]): Promise<void> {
  return signalConversation(
    { temporal: ctx.temporal, taskQueue: ctx.config.taskQueue },
    { workspace_id: c.workspaceId, channel_id: c.channel.id, conversation_id: c.id, contact_key: c.contact.contactKey },
    name,
    args,
  );
}
