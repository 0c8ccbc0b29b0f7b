import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { CONVERSATION_MODES, type ConversationMode } from '../../../schema/entities/conversation.entity';
import type { ChannelKind, ChannelStatus } from '../../../schema/entities/channel.entity';
import { ChannelType, type ChannelView } from './channel';
import { ContactType, type ContactView } from './contact';
import { connectionType, decodeCursor, encodeCursor, toConnection } from '../pagination';
import { MessageType, loadThread } from './message';

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
        if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) throw badInput('after: is not a cursor this API gave out', 'after');
        where.push('(c.last_message_at, c.id) < (?::timestamptz, ?::uuid)');
        params.push(at, id);
      }
      const rows = await ctx.orm.em.fork().execute<ConversationRow[]>(
        `${SELECT} where ${where.join(' and ')} order by c.last_message_at desc, c.id desc limit ${input.first + 1}`,
        params,
      );
      return toConnection(rows.map(toView), input.first, (c) => encodeCursor(new Date(c.lastMessageAt), c.id));
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

