import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { DIRECTIONS, MESSAGE_STATUSES, SENDER_TYPES, type Direction, type MessageStatus, type SenderType } from '../../../schema/entities/message.entity';

/** A message as the API shows it. */
export interface MessageView {
  id: string;
  conversationId: string;
  direction: Direction;
  senderType: SenderType;
  text: string;
  status: MessageStatus;
  failureReason: string | null;
  createdAt: Date;
}

export const MessageDirectionEnum = builder.enumType('MessageDirection', { values: DIRECTIONS });
export const SenderTypeEnum = builder.enumType('SenderType', { values: SENDER_TYPES });
export const MessageStatusEnum = builder.enumType('MessageStatus', { values: MESSAGE_STATUSES });

export const MessageType = builder.objectRef<MessageView>('Message').implement({
  description: 'One WhatsApp message in a conversation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    conversationId: t.exposeID('conversationId'),
    direction: t.field({ type: MessageDirectionEnum, resolve: (m) => m.direction }),
    senderType: t.field({ type: SenderTypeEnum, resolve: (m) => m.senderType }),
    text: t.exposeString('text'),
    status: t.field({ type: MessageStatusEnum, resolve: (m) => m.status }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const COLUMNS = 'id, conversation_id, direction, sender_type, text, status, failure_reason, created_at';

interface MessageRow {
  id: string;
  conversation_id: string;
  direction: Direction;
  sender_type: SenderType;
  text: string;
  status: MessageStatus;
  failure_reason: string | null;
  created_at: Date;
}

function toView(row: MessageRow): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    senderType: row.sender_type,
    text: row.text,
    status: row.status,
    failureReason: row.failure_reason,
    createdAt: row.created_at,
  };
}

export async function loadMessage(em: EntityManager, workspaceId: string, id: string): Promise<MessageView | null> {
  const [row] = await em.execute<MessageRow[]>(`select ${COLUMNS} from messages where id = ? and workspace_id = ?`, [id, workspaceId]);
  return row ? toView(row) : null;
}

/** The last `limit` messages of a conversation, oldest first. */
export async function loadThread(em: EntityManager, workspaceId: string, conversationId: string, limit: number): Promise<MessageView[]> {
  const rows = await em.execute<MessageRow[]>(
    `select * from (
       select ${COLUMNS} from messages where conversation_id = ? and workspace_id = ?
       order by created_at desc, id desc limit ?
     ) recent order by created_at, id`,
    [conversationId, workspaceId, limit],
  );
  return rows.map(toView);
}
