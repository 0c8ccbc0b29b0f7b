import { randomUUID } from 'node:crypto';
import type { ActivityContext } from './context';
import type { ChannelAdapter } from '../connector/channels/port';
import { PermanentChannelError } from '../connector/channels/port';
import { permanentSendFailure } from './failures';
import { NOTIFY, eventPayload } from './events';
import { execute } from '../schema/orm';

/** One message of a send batch. */
export interface OutgoingMessage {
  idempotencyKey: string;
  senderType: 'BOT' | 'HUMAN';
  /** A bot message's text; an agent's message is already a row (messageId) with its text. */
  text?: string;
  messageId?: string;
  replyToId?: string;
}

export interface SendMessagesInput {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  to: string;
  /** Sent one after another, in this order. */
  messages: OutgoingMessage[];
}

type SendMessageInput = Omit<SendMessagesInput, 'messages'> & OutgoingMessage;

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;

interface MessageRow {
  id: string;
  text: string;
  status: string;
}

/**
 * Sends over one channel; registered by the connector on task queue `channel:<channelId>`.
 * Idempotency: each outbound row is written with its send's key before the channel is called,
 * and a row already SENT (or FAILED) is never sent again, so a retried batch resends nothing.
 */
export function createMessagingActivities(ctx: ActivityContext, adapter: ChannelAdapter) {
  return {
    /**
     * A conversation's replies in order, in one activity: messages that queued up while the
     * conversation was busy cost one task, not one each. A message the channel refuses for good
     * is marked FAILED with the reason and the rest still go; any other error retries the batch.
     */
    async sendMessages(input: SendMessagesInput): Promise<{ sent: number; failed: number }> {
      const { messages, ...target } = input;
      let sent = 0;
      let failed = 0;
      for (const message of messages) {
        const outcome = await sendOne(ctx, adapter, { ...target, ...message });
        if (outcome === 'sent') sent++;
        if (outcome === 'failed') failed++;
      }
      return { sent, failed };
    },
  };
}

async function sendOne(ctx: ActivityContext, adapter: ChannelAdapter, input: SendMessageInput): Promise<'sent' | 'failed' | 'already'> {
  const row = await recordOutbound(ctx, input);
  if (row.status !== 'PENDING') return 'already';
  const event = (type: 'messageUpdated') => eventPayload({ type, workspaceId: input.workspaceId, conversationId: input.conversationId, messageId: row.id });
  let externalId: string;
  try {
    ({ externalId } = await adapter.send({ idempotencyKey: input.idempotencyKey, to: input.to, text: row.text }));
  } catch (err) {
    if (!(err instanceof PermanentChannelError)) throw err;
    await execute(
      ctx.orm,
      `with failed as (update messages set status = 'FAILED', failure_reason = ? where id = ? and status = 'PENDING' returning id) select ${NOTIFY} from failed`,
      [err.message, row.id, event('messageUpdated')],
    );
    return 'failed';
  }
  await execute(
    ctx.orm,
    `with sent as (
       update messages set status = 'SENT', external_id = ?, sent_at = clock_timestamp()
       where id = ? and status = 'PENDING' returning conversation_id, text, sent_at
     ), conversation as (
       update conversations c set last_message_at = sent.sent_at, last_message_text = sent.text
       from sent where c.id = sent.conversation_id and c.last_message_at < sent.sent_at
     )
     select ${NOTIFY} from sent`,
    [externalId, row.id, event('messageUpdated')],
  );
  return 'sent';
}

async function recordOutbound(ctx: ActivityContext, input: SendMessageInput): Promise<MessageRow> {
  if (input.messageId) {
    const [row] = await execute<MessageRow[]>(
      ctx.orm,
      'select id, text, status from messages where id = ? and workspace_id = ?',
      [input.messageId, input.workspaceId],
    );
    if (!row) throw permanentSendFailure(`message ${input.messageId} does not exist`);
    return row;
  }
  const id = randomUUID();
  const [inserted] = await execute<MessageRow[]>(
    ctx.orm,
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
  const [existing] = await execute<MessageRow[]>(ctx.orm, 'select id, text, status from messages where idempotency_key = ?', [input.idempotencyKey]);
  return existing;
}
