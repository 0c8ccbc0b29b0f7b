import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { requireAuth, type GraphQLContext } from '../context';
import { batchPerTick, perContext } from '../batch';
import { DIRECTIONS, MESSAGE_STATUSES, MESSAGE_TYPES, SENDER_TYPES, Message, type StoredMedia } from '../../../schema/entities/message.entity';
import { MessageReaction } from '../../../schema/entities/message-reaction.entity';
import { signedMediaPath } from '../../auth/media-url';

/** The Message entity's fields the API shows; a Message entity is one, so is what the ingress just stored. */
export type MessageFields = Pick<
  Message,
  | 'id' | 'workspaceId' | 'conversationId' | 'channelId' | 'direction' | 'senderType' | 'type' | 'text' | 'media' | 'details'
  | 'externalId' | 'replyToExternalId' | 'forwarded' | 'status' | 'failureCode' | 'failureReason' | 'sendAttempts'
  | 'deliveredAt' | 'readAt' | 'createdAt'
>;

export const MessageDirectionEnum = builder.enumType('MessageDirection', { values: DIRECTIONS });
export const SenderTypeEnum = builder.enumType('SenderType', { values: SENDER_TYPES });
export const MessageStatusEnum = builder.enumType('MessageStatus', { values: MESSAGE_STATUSES });
export const MessageTypeEnum = builder.enumType('MessageType', { values: MESSAGE_TYPES, description: 'What a WhatsApp message is: its text, a kind of media, or a structured message.' });

/** A message's media, as stored with it; `url` is for the dashboard's tags. */
const MessageMediaType = builder.objectRef<{ messageId: string; workspaceId: string; media: StoredMedia }>('MessageMedia').implement({
  description: "A message's image, audio, voice note, video, document or sticker.",
  fields: (t) => ({
    url: t.string({
      nullable: true,
      description:
        'Where the file loads from (GET /media/<messageId>, relative to the API), signed for about 10 minutes so an <img> or <audio> tag needs no token; ' +
        'null until the file is stored, or when it was refused.',
      resolve: ({ messageId, workspaceId, media }, _args, ctx) => (media.blobKey ? signedMediaPath(ctx.config.jwtSecret, workspaceId, messageId) : null),
    }),
    mimeType: t.string({ nullable: true, resolve: ({ media }) => media.mimeType ?? null }),
    fileName: t.string({ nullable: true, resolve: ({ media }) => media.fileName ?? null }),
    size: t.int({ nullable: true, description: 'Bytes.', resolve: ({ media }) => media.size ?? null }),
    unavailableReason: t.string({
      nullable: true,
      description: 'Why the file was not stored (too large, not what the message said it was); it is not fetched again.',
      resolve: ({ media }) => media.refused ?? null,
    }),
  }),
});

/** One side's current reaction to a message. */
const MessageReactionType = builder.objectRef<MessageReaction>('MessageReaction').implement({
  description: "The contact's or our current reaction to a message (a new one replaces it, a removal deletes it).",
  fields: (t) => ({
    emoji: t.exposeString('emoji'),
    fromContact: t.exposeBoolean('fromContact', { description: 'true: the contact reacted; false: we did.' }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

/** One message of a conversation. */
interface ButtonView { id: string; title: string }
interface ListView { button: string; rows: { id: string; title: string; description?: string | null }[] }

const MessageButtonType = builder.objectRef<ButtonView>('MessageButton').implement({
  description: 'A reply button of an outbound message (WhatsApp shows up to 3); tapping one answers with its id.',
  fields: (t) => ({ id: t.exposeID('id'), title: t.exposeString('title') }),
});

const MessageListRowType = builder.objectRef<ListView['rows'][number]>('MessageListRow').implement({
  fields: (t) => ({ id: t.exposeID('id'), title: t.exposeString('title'), description: t.string({ nullable: true, resolve: (r) => r.description ?? null }) }),
});

const MessageListType = builder.objectRef<ListView>('MessageList').implement({
  description: "An outbound message's list: the button that opens it and its rows (up to 10); choosing a row answers with its id.",
  fields: (t) => ({ button: t.exposeString('button'), rows: t.field({ type: [MessageListRowType], resolve: (l) => l.rows }) }),
});

export const MessageType = builder.objectRef<MessageFields>('Message');
MessageType.implement({
  description: 'One WhatsApp message in a conversation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    conversationId: t.exposeID('conversationId'),
    direction: t.field({ type: MessageDirectionEnum, resolve: (m) => m.direction }),
    senderType: t.field({ type: SenderTypeEnum, resolve: (m) => m.senderType }),
    type: t.field({ type: MessageTypeEnum, resolve: (m) => m.type }),
    text: t.exposeString('text', { description: 'The body or caption, or a readable summary of a message without one ("📍 location: Cafe Uno").' }),
    media: t.field({
      type: MessageMediaType,
      nullable: true,
      resolve: (m) => (m.media ? { messageId: m.id, workspaceId: m.workspaceId, media: m.media } : null),
    }),
    details: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'Type-specific details: a location {latitude longitude name address url}, contacts {contacts: […]}, the chosen button or row {id title}, poll, order; ' +
        "an outbound message's buttons, list, template or reaction.",
      resolve: (m) => m.details ?? null,
    }),
    buttons: t.field({
      type: [MessageButtonType],
      nullable: true,
      description: "An outbound message's reply buttons (a flow's message or choice question); null: none.",
      resolve: (m) => (m.direction === 'OUTBOUND' && Array.isArray(m.details?.buttons) && m.details.buttons.length > 0 ? (m.details.buttons as ButtonView[]) : null),
    }),
    list: t.field({
      type: MessageListType,
      nullable: true,
      description: "An outbound message's list; null: none.",
      resolve: (m) => (m.direction === 'OUTBOUND' && m.details?.list && typeof m.details.list === 'object' ? (m.details.list as ListView) : null),
    }),
    replyToExternalId: t.exposeString('replyToExternalId', { nullable: true, description: 'The WhatsApp id of the message it quotes.' }),
    replyTo: t.field({
      type: MessageType,
      nullable: true,
      description: 'The message it quotes, when that message is stored (same channel).',
      resolve: (m, _args, ctx) => (m.replyToExternalId ? loaders(ctx).quoted(key(m.channelId, m.replyToExternalId)).then((q) => q ?? null) : null),
    }),
    forwarded: t.exposeBoolean('forwarded'),
    reactions: t.field({
      type: [MessageReactionType],
      resolve: async (m, _args, ctx) => (m.externalId ? ((await loaders(ctx).reactions(key(m.channelId, m.externalId))) ?? []) : []),
    }),
    status: t.field({ type: MessageStatusEnum, resolve: (m) => m.status }),
    failureCode: t.exposeString('failureCode', { nullable: true, description: "FAILED by the wire: the channel's error code." }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    sendAttempts: t.exposeInt('sendAttempts', { description: 'Channel calls made to send it (0 for an inbound message or one not tried yet).' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the wire said it reached the phone.' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true, description: 'When the wire said it was read.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** A message on its channel, by WhatsApp id. */
const key = (channelId: string, externalId: string) => `${channelId}\n${externalId}`;

/** One query for a tick's quoted messages and one for its reactions, within the caller's workspace. */
const loaders = perContext((ctx: GraphQLContext) => {
  const em = () => ctx.orm.em.fork();
  const split = (keys: string[]) => {
    const pairs = keys.map((k) => k.split('\n') as [string, string]);
    return { channelId: { $in: [...new Set(pairs.map(([c]) => c))] }, externalId: [...new Set(pairs.map(([, e]) => e))] };
  };
  return {
    quoted: batchPerTick(async (keys: string[]) => {
      const { channelId, externalId } = split(keys);
      const rows = await em().find(Message, { workspaceId: requireAuth(ctx).workspaceId, channelId, externalId: { $in: externalId } });
      return new Map(rows.map((m) => [key(m.channelId, m.externalId!), m as MessageFields]));
    }),
    reactions: batchPerTick(async (keys: string[]) => {
      const { channelId, externalId } = split(keys);
      const rows = await em().find(MessageReaction, { workspaceId: requireAuth(ctx).workspaceId, channelId, targetExternalId: { $in: externalId } }, { orderBy: { at: 'asc' } });
      const byMessage = new Map<string, MessageReaction[]>();
      for (const r of rows) byMessage.set(key(r.channelId, r.targetExternalId), [...(byMessage.get(key(r.channelId, r.targetExternalId)) ?? []), r]);
      return byMessage;
    }),
  };
});

/** A message of the workspace, or null (also for another workspace's id). */
export function loadMessage(em: EntityManager, workspaceId: string, id: string): Promise<Message | null> {
  return em.findOne(Message, { id, workspaceId });
}

/** The last `limit` messages of a conversation, oldest first: one query on the messages_thread index. */
export async function loadThread(em: EntityManager, workspaceId: string, conversationId: string, limit: number): Promise<Message[]> {
  const newestFirst = await em.find(Message, { conversationId, workspaceId }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit });
  return newestFirst.reverse();
}
