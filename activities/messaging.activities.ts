import { randomUUID } from 'node:crypto';
import type { ActivityContext } from './context';
import type { ChannelAdapter } from '../connector/channels/port';
import { PermanentChannelError } from '../connector/channels/port';
import { permanentSendFailure } from './failures';
import { NOTIFY, eventPayload } from './events';

export interface SendMessageInput {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  to: string;
  idempotencyKey: string;
  senderType: 'BOT' | 'HUMAN';
  /** A bot reply's text; an agent's message is already a row (messageId) with its text. */
  text?: string;
  messageId?: string;
  replyToId?: string;
}

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;

interface MessageRow {
  id: string;
  text: string;
  status: string;
}

/**
 * Sends over one channel; registered by the connector on task queue `channel:<channelId>`.
 * Idempotency: the outbound row is written with the send's key before the channel is called,
 * and a row already SENT is never sent again.
 */
export function createMessagingActivities(ctx: ActivityContext, adapter: ChannelAdapter) {
  return {
    async sendMessage(input: SendMessageInput): Promise<{ messageId: string; externalId: string | null }> {
      const em = ctx.orm.em.fork();
      const row = await recordOutbound(ctx, input);
      if (row.status !== 'PENDING') return { messageId: row.id, externalId: null };

      let externalId: string;
      try {
        ({ externalId } = await adapter.send({ idempotencyKey: input.idempotencyKey, to: input.to, text: row.text }));
      } catch (err) {
        if (err instanceof PermanentChannelError) throw permanentSendFailure(err.message);
        throw err;
      }
      await em.execute(
        `with sent as (
           update messages set status = 'SENT', external_id = ?, sent_at = clock_timestamp()
           where id = ? and status = 'PENDING' returning conversation_id, text, sent_at
         ), conversation as (
           update conversations c set last_message_at = sent.sent_at, last_message_text = sent.text
           from sent where c.id = sent.conversation_id and c.last_message_at < sent.sent_at
         )
         select ${NOTIFY} from sent`,
        [externalId, row.id, eventPayload({ type: 'messageUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId: row.id })],
      );
      return { messageId: row.id, externalId };
    },
  };
}

async function recordOutbound(ctx: ActivityContext, input: SendMessageInput): Promise<MessageRow> {
  const em = ctx.orm.em.fork();
  if (input.messageId) {
    const [row] = await em.execute<MessageRow[]>(
      'select id, text, status from messages where id = ? and workspace_id = ?',
      [input.messageId, input.workspaceId],
    );
    if (!row) throw permanentSendFailure(`message ${input.messageId} does not exist`);
    return row;
  }
  const id = randomUUID();
  const [inserted] = await em.execute<MessageRow[]>(
    `with inserted as (
       insert into messages (id, workspace_id, conversation_id, channel_id, direction, sender_type, text, status, idempotency_key, reply_to_id)
       values (?, ?, ?, ?, 'OUTBOUND', ?, ?, 'PENDING', ?, ?)
       on conflict (idempotency_key) do nothing
       returning id, text, status
     )
     select id, text, status, ${NOTIFY} from inserted`,
    [
      id, input.workspaceId, input.conversationId, input.channelId, input.senderType, input.text ?? '', input.idempotencyKey, input.replyToId ?? null,
      eventPayload({ type: 'messageAdded', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId: id }),
    ],
  );
  if (inserted) return inserted;
  const [existing] = await em.execute<MessageRow[]>('select id, text, status from messages where idempotency_key = ?', [input.idempotencyKey]);
  return existing;
}
