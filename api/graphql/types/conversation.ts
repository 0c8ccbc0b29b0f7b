import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, requireAuth, type GraphQLContext } from '../context';
import { badInput, notFound, validate } from '../errors';
import { CONVERSATION_MODES, type ConversationMode } from '../../../schema/entities/conversation.entity';
import type { ChannelKind, ChannelStatus } from '../../../schema/entities/channel.entity';
import { ChannelType, type ChannelView } from './channel';
import { MessageType, loadMessage, loadThread } from './message';
import { EVENTS_CHANNEL, publish } from '../../../activities/events';
import { signalConversation } from '../../../connector/signal';
import { CONVERSATION_SIGNALS } from '../../../workflows/signals';
import { agentMessageKey } from '../../../workflows/ids';

interface ContactView {
  id: string;
  phone: string;
  name: string | null;
  blocked: boolean;
}

export interface ConversationView {
  id: string;
  workspaceId: string;
  mode: ConversationMode;
  contact: ContactView;
  contactKey: string;
  channel: ChannelView;
  lastMessageAt: Date;
  lastMessageText: string | null;
  unreadCount: number;
  workflowId: string;
  slaBreachedAt: Date | null;
}

export const ConversationModeEnum = builder.enumType('ConversationMode', { values: CONVERSATION_MODES });

const ContactType = builder.objectRef<ContactView>('Contact').implement({
  description: 'A customer, keyed by phone number.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phone: t.exposeString('phone'),
    name: t.exposeString('name', { nullable: true }),
    blocked: t.exposeBoolean('blocked'),
  }),
});

export const ConversationType = builder.objectRef<ConversationView>('Conversation').implement({
  description: 'One contact on one channel; its live state is the workflow `conversation:<channelId>:<contactKey>`.',
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
    temporalUrl: t.string({
      description: 'The conversation workflow in the Temporal Web UI.',
      resolve: (c, _args, ctx) =>
        `${ctx.config.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(c.workflowId)}`,
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

const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
});
const ConversationEdge = builder.objectRef<{ cursor: string; node: ConversationView }>('ConversationEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: ConversationType, resolve: (e) => e.node }) }),
});
const ConversationConnection = builder
  .objectRef<{ edges: { cursor: string; node: ConversationView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>('ConversationConnection')
  .implement({
    fields: (t) => ({
      edges: t.field({ type: [ConversationEdge], resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    }),
  });

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

const SELECT = `
  select c.id, c.workspace_id, c.mode, c.unread_count, c.last_message_at, c.last_message_text, c.workflow_id, c.sla_breached_at,
         ct.id as contact_id, ct.phone, ct.name as contact_name, ct.blocked, ct.contact_key,
         ch.id as channel_id, ch.kind, ch.name as channel_name, ch.status as channel_status, ch.created_at as channel_created_at
  from conversations c
  join contacts ct on ct.id = c.contact_id
  join channels ch on ch.id = c.channel_id`;

interface ConversationRow {
  id: string;
  workspace_id: string;
  mode: ConversationMode;
  unread_count: number;
  last_message_at: Date;
  last_message_text: string | null;
  workflow_id: string;
  sla_breached_at: Date | null;
  contact_id: string;
  phone: string;
  contact_name: string | null;
  blocked: boolean;
  contact_key: string;
  channel_id: string;
  kind: ChannelKind;
  channel_name: string;
  channel_status: ChannelStatus;
  channel_created_at: Date;
}

function toView(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    mode: row.mode,
    contact: { id: row.contact_id, phone: row.phone, name: row.contact_name, blocked: row.blocked },
    contactKey: row.contact_key,
    channel: { id: row.channel_id, kind: row.kind, name: row.channel_name, status: row.channel_status, createdAt: row.channel_created_at },
    lastMessageAt: row.last_message_at,
    lastMessageText: row.last_message_text,
    unreadCount: row.unread_count,
    workflowId: row.workflow_id,
    slaBreachedAt: row.sla_breached_at,
  };
}

/** A conversation of the workspace by its (valid) id, or null. */
export async function loadConversation(em: EntityManager, workspaceId: string, id: string): Promise<ConversationView | null> {
  const [row] = await em.execute<ConversationRow[]>(`${SELECT} where c.id = ? and c.workspace_id = ?`, [id, workspaceId]);
  return row ? toView(row) : null;
}

/** A conversation of the caller's workspace, or NOT_FOUND (also for another workspace's id). */
export async function findConversation(em: EntityManager, workspaceId: string, id: string): Promise<ConversationView> {
  const conversation = uuid.safeParse(id).success ? await loadConversation(em, workspaceId, id) : null;
  if (!conversation) throw notFound('conversation');
  return conversation;
}

function encodeCursor(c: ConversationView): string {
  return Buffer.from(JSON.stringify([new Date(c.lastMessageAt).toISOString(), c.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof at === 'string' && typeof id === 'string' && uuid.safeParse(id).success && !Number.isNaN(Date.parse(at))) return [at, id];
  } catch {
    // fall through
  }
  throw badInput('after: is not a cursor this API gave out', 'after');
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
      const where = ['c.workspace_id = ?'];
      const params: unknown[] = [workspaceId];
      if (input.filter?.mode) (where.push('c.mode = ?'), params.push(input.filter.mode));
      if (input.filter?.channelId) (where.push('c.channel_id = ?'), params.push(input.filter.channelId));
      if (input.filter?.search) {
        where.push(`(ct.phone ilike ? or ct.name ilike ?)`);
        const like = `%${input.filter.search.replace(/[%_\\]/g, '\\$&')}%`;
        params.push(like, like);
      }
      if (input.after) {
        const [at, id] = decodeCursor(input.after);
        where.push('(c.last_message_at, c.id) < (?::timestamptz, ?::uuid)');
        params.push(at, id);
      }
      const rows = await ctx.orm.em.fork().execute<ConversationRow[]>(
        `${SELECT} where ${where.join(' and ')} order by c.last_message_at desc, c.id desc limit ${input.first + 1}`,
        params,
      );
      const nodes = rows.slice(0, input.first).map(toView);
      const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
      return { edges, pageInfo: { hasNextPage: rows.length > input.first, endCursor: edges.at(-1)?.cursor ?? null } };
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
      return { ...conversation, unreadCount: 0 };
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
async function setBlocked(ctx: GraphQLContext, contactId: string, blocked: boolean): Promise<ContactView> {
  const { workspaceId } = requireAuth(ctx, AGENTS);
  if (!uuid.safeParse(contactId).success) throw notFound('contact');
  const em = ctx.orm.em.fork();
  const [contact] = await em.execute<ContactView[]>(
    'update contacts set blocked = ? where id = ? and workspace_id = ? returning id, phone, name, blocked',
    [blocked, contactId, workspaceId],
  );
  if (!contact) throw notFound('contact');
  // Every open inbox showing one of the contact's conversations hears of it, in one statement.
  await em.execute(
    `select pg_notify(?, json_build_object('type', 'conversationUpdated', 'workspaceId', workspace_id, 'conversationId', id)::text)
     from conversations where contact_id = ? and workspace_id = ?`,
    [EVENTS_CHANNEL, contactId, workspaceId],
  );
  return contact;
}

async function setMode(ctx: GraphQLContext, conversationId: string, mode: ConversationMode): Promise<ConversationView> {
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
  return { ...conversation, mode, slaBreachedAt: mode === 'BOT' ? null : conversation.slaBreachedAt };
}

function signal(ctx: GraphQLContext, c: ConversationView, name: string, args: unknown[]): Promise<void> {
  return signalConversation(
    { temporal: ctx.temporal, taskQueue: ctx.config.taskQueue },
    { workspace_id: c.workspaceId, channel_id: c.channel.id, conversation_id: c.id, contact_key: c.contactKey },
    name,
    args,
  );
}
