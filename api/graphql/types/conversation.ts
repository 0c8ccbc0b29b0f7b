import { z } from 'zod';
import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Conversation, CONVERSATION_MODES } from '../../../schema/entities/conversation.entity';
import { ChannelType } from './channel';
import { ContactType } from './contact';
import { connectionType, decodeCursor, encodeCursor, toConnection } from '../pagination';
import { MessageType, loadThread } from './message';

export const ConversationModeEnum = builder.enumType('ConversationMode', { values: CONVERSATION_MODES });

/** A conversation (the Conversation entity) with its contact and channel loaded, as every read here joins them. */
export const ConversationType = builder.objectRef<Conversation>('Conversation').implement({
  description: 'One contact on one channel; its live state is the workflow `workflowId` (`conversation:<channelId>:<conversationId>`; never the phone number).',
  fields: (t) => ({
    id: t.exposeID('id'),
    mode: t.field({ type: ConversationModeEnum, resolve: (c) => c.mode }),
    contact: t.field({ type: ContactType, resolve: (c) => c.contact }),
    channel: t.field({ type: ChannelType, resolve: (c) => c.channel }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime', nullable: true }),
    lastMessageText: t.exposeString('lastMessageText', { nullable: true }),
    unreadCount: t.exposeInt('unreadCount'),
    workflowId: t.exposeString('workflowId'),
    slaBreachedAt: t.expose('slaBreachedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the human-mode SLA passed with the customer still waiting; cleared by an agent reply or release.',
    }),
    handoverReason: t.exposeString('handoverReason', {
      nullable: true,
      description: 'Why the bot handed the conversation to a human ("AI unavailable", low confidence, a sensitive topic, the AI\'s own call); cleared on release.',
    }),
    temporalUrl: t.string({
      description: 'The conversation workflow in the Temporal Web UI; only owners and admins get it (null for agents and viewers).',
      nullable: true,
      resolve: (c, _args, ctx) =>
        !MANAGERS.includes(requireAuth(ctx).role) ? null : `${ctx.config.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(c.workflowId)}`,
    }),
    messages: t.field({
      type: [MessageType],
      description: 'The latest messages, oldest first.',
      args: { last: t.arg.int({ defaultValue: 200 }) },
      resolve: (c, args, ctx) => {
        const last = args.last ?? 200;
        if (last < 1 || last > 1000) throw badInput('last: must be between 1 and 1000', 'last');
        return loadThread(ctx.orm.em.fork(), c.workspaceId, c.id, last);
      },
    }),
  }),
});

const ConversationConnection = connectionType('Conversation', ConversationType);

const ConversationFilter = builder.inputType('ConversationFilter', {
  fields: (t) => ({
    mode: t.field({ type: ConversationModeEnum }),
    channelId: t.id(),
    search: t.string(),
  }),
});

const uuid = z.string().uuid('is not a valid id');
const listSchema = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'),
  after: z.string().nullish(),
  filter: z
    .object({ mode: z.enum(CONVERSATION_MODES).nullish(), channelId: uuid.nullish(), search: z.string().max(100).nullish() })
    .nullish(),
});

/** A UTC instant as cursors carry it, to the microsecond. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** Every read of a conversation joins its contact and channel: one query, whatever the page size. */
const WITH_CONTACT_AND_CHANNEL = { populate: ['contact', 'channel'], strategy: 'joined' } as const;

/** A conversation of the workspace by its (valid) id, or null. */
export function loadConversation(em: EntityManager, workspaceId: string, id: string): Promise<Conversation | null> {
  return em.findOne(Conversation, { id, workspaceId }, WITH_CONTACT_AND_CHANNEL);
}

/** A conversation of the caller's workspace, or NOT_FOUND (also for another workspace's id). */
export async function findConversation(em: EntityManager, workspaceId: string, id: string): Promise<Conversation> {
  const conversation = uuid.safeParse(id).success ? await loadConversation(em, workspaceId, id) : null;
  if (!conversation) throw notFound('conversation');
  return conversation;
}

builder.queryField('conversations', (t) =>
  t.field({
    type: ConversationConnection,
    description: 'The inbox: conversations with the newest activity first.',
    args: {
      first: t.arg.int({ defaultValue: 30 }),
      after: t.arg.string(),
      filter: t.arg({ type: ConversationFilter }),
    },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const input = validate(listSchema, { first: args.first ?? 30, after: args.after, filter: args.filter });
      const where: FilterQuery<Conversation>[] = [{ workspaceId }];
      if (input.filter?.mode) where.push({ mode: input.filter.mode });
      if (input.filter?.channelId) where.push({ channel: input.filter.channelId });
      if (input.filter?.search) {
        const like = `%${input.filter.search.replace(/[%_\\]/g, '\\$&')}%`;
        where.push({ $or: [{ contact: { phone: { $ilike: like } } }, { contact: { name: { $ilike: like } } }] });
      }
      if (input.after) {
        const [at, id] = decodeCursor(input.after);
        if (typeof at !== 'string' || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) throw badInput('after: is not a cursor this API gave out', 'after');
        // Keyset: strictly after the cursor's row in (last_message_at desc, id desc) order, to the
        // microsecond (the conversations_inbox index serves the row comparison).
        where.push({ [raw((c) => `(${c}.last_message_at, ${c}.id)`)]: { $lt: raw('(?::timestamptz, ?::uuid)', [at, id]) } });
      }
      const rows = await ctx.orm.em.fork().find(Conversation, { $and: where }, {
        ...WITH_CONTACT_AND_CHANNEL,
        populate: [...WITH_CONTACT_AND_CHANNEL.populate, 'lastMessageAtExact'],
        orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
        limit: input.first + 1,
      });
      return toConnection(rows, input.first, (c) => encodeCursor(c.lastMessageAtExact, c.id));
    },
  }),
);

builder.queryField('conversation', (t) =>
  t.field({
    type: ConversationType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => findConversation(ctx.orm.em.fork(), requireAuth(ctx).workspaceId, String(args.id)),
  }),
);
