import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { DIRECTIONS, MESSAGE_STATUSES, SENDER_TYPES, Message } from '../../../schema/entities/message.entity';

/** The Message entity's fields the API shows; a Message entity is one, so is what the ingress just stored. */
export type MessageFields = Pick<Message, 'id' | 'conversationId' | 'direction' | 'senderType' | 'text' | 'status' | 'failureReason' | 'sendAttempts' | 'createdAt'>;

export const MessageDirectionEnum = builder.enumType('MessageDirection', { values: DIRECTIONS });
export const SenderTypeEnum = builder.enumType('SenderType', { values: SENDER_TYPES });
export const MessageStatusEnum = builder.enumType('MessageStatus', { values: MESSAGE_STATUSES });

/** One message of a conversation. */
export const MessageType = builder.objectRef<MessageFields>('Message').implement({
  description: 'One WhatsApp message in a conversation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    conversationId: t.exposeID('conversationId'),
    direction: t.field({ type: MessageDirectionEnum, resolve: (m) => m.direction }),
    senderType: t.field({ type: SenderTypeEnum, resolve: (m) => m.senderType }),
    text: t.exposeString('text'),
    status: t.field({ type: MessageStatusEnum, resolve: (m) => m.status }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    sendAttempts: t.exposeInt('sendAttempts', { description: 'Channel calls made to send it (0 for an inbound message or one not tried yet).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
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
