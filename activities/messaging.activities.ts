import { randomUUID } from 'node:crypto';
import type { ActivityContext } from './context';
import type { ChannelAdapter, SendPriority } from '../connector/channels/port';
import { classifySendError, PermanentChannelError } from '../connector/channels/port';
import { UNCERTAIN_REASONS, channelRejected, isChannelRejected, permanentSendFailure } from './failures';
import { afterChannelSendFault } from './test-faults';
import { NOTIFY, eventPayload, notifyPerRow } from './events';
import { execute } from '../schema/orm';
import type { MessageStatus, MessageType, StoredMedia } from '../schema/entities/message.entity';
import { outboundContent, type OutboundDetails, type OutboundRow } from './outbound-content';
import { MERGED_RECEIPTS } from '../connector/receipts';
import { createMediaActivities } from './media.activities';
import { markRead } from './mark-read';
import { createBroadcastSendActivities } from './broadcast-send.activities';

/** One message of a send batch. */
export interface OutgoingMessage {
  idempotencyKey: string;
  senderType: 'BOT' | 'HUMAN';
  /** A bot message's text; an agent's message is already a row (messageId) with its text. */
  text?: string;
  messageId?: string;
  replyToId?: string;
  /** A bot message that carries more than text (media, buttons, a list, a template, a reaction): see outbound-content.ts. */
  type?: MessageType;
  media?: StoredMedia;
  details?: OutboundDetails;
  /** The WhatsApp id of the message it quotes. */
  replyToExternalId?: string;
}

export interface SendMessagesInput {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  to: string;
  /** Sent one after another, in this order. */
  messages: OutgoingMessage[];
}

export type SendMessageInput = Omit<SendMessagesInput, 'messages'> & OutgoingMessage & {
  /** For the channel's limiter (connector/channels/port.ts SendPriority); absent: 'inbox'. */
  priority?: SendPriority;
};

export type MessagingActivities = ReturnType<typeof createMessagingActivities>;

export type SendOutcome = 'sent' | 'failed' | 'uncertain' | 'already';

/** A row whose channel call may start now (it is SENDING, with this attempt counted). */
interface Attempt extends OutboundRow {
  id: string;
  text: string;
  reply_to_external_id: string | null;
}

/** The columns of a row a send reads, for `returning`. */
const ATTEMPT_COLUMNS = 'id, text, type, media, details, reply_to_external_id';

/**
 * Sends over one channel; registered by the connector on task queue `channel:<channelId>`.
 * Each message is a state machine on its row, keyed by its idempotency key: PENDING → SENDING
 * (written, with the attempt, before the channel call) → SENT | FAILED | UNCERTAIN. A retry that
 * finds the row SENDING (the attempt before it died mid-call) sends again only when the adapter
 * is retry-safe (the wire takes a repeat as the same message); otherwise the message becomes
 * UNCERTAIN and is never sent again without an agent's say. SENT, FAILED and UNCERTAIN rows are
 * never sent again. The channel's inbound media downloads (media.activities.ts) run beside them.
 */
export function createMessagingActivities(ctx: ActivityContext, adapter: ChannelAdapter) {
  const afterChannelSend = afterChannelSendFault(ctx.config.testFaults);
  return {
    /**
     * A conversation's replies in order, in one activity: messages that queued up while the
     * conversation was busy cost one task, not one each. A message the channel refuses for good
     * is FAILED with the reason, one that may or may not have gone out on a wire that cannot
     * deduplicate is UNCERTAIN, and the rest still go; any other error retries the batch.
     */
    async sendMessages(input: SendMessagesInput): Promise<{ sent: number; failed: number; uncertain: number }> {
      const { messages, ...target } = input;
      const counts = { sent: 0, failed: 0, uncertain: 0 };
      for (const message of messages) {
        try {
          const outcome = await sendOne(ctx, adapter, afterChannelSend, { ...target, ...message });
          if (outcome !== 'already') counts[outcome]++;
        } catch (err) {
          // The channel refused this one for good (it is FAILED with the reason); the rest still go.
          if (!isChannelRejected(err)) throw err;
          counts.failed++;
        }
      }
      return counts;
    },
    ...createMediaActivities(ctx, adapter),
    ...createBroadcastSendActivities(ctx, adapter, afterChannelSend),
  };
}

/**
 * One message through its send state machine (exported for the broadcast batch, activities/broadcast-send.activities.ts).
 * Throws channelRejected (after marking the message FAILED) when the channel itself refuses every send.
 * With `deferMark`, a message that went out is handed to it to be marked SENT later (the broadcast
 * batch marks many in one statement), and the customer's messages are not marked read: a
 * broadcast is not someone answering them.
 */
export async function sendOne(
  ctx: ActivityContext,
  adapter: ChannelAdapter,
  afterChannelSend: () => void,
  input: SendMessageInput,
  deferMark?: (sent: { messageId: string; externalId: string }) => void,
): Promise<SendOutcome> {
  const started = await startAttempt(ctx, adapter, input);
  if (started.status === 'SENDING' && !started.attempt) {
    await endAttempt(ctx, input, started.id, 'UNCERTAIN', UNCERTAIN_REASONS.previousAttempt);
    return 'uncertain';
  }
  if (!started.attempt) return 'already';
  const result = await callChannel(ctx, adapter, afterChannelSend, input, started.attempt);
  if (typeof result === 'string') return result;
  if (deferMark) {
    deferMark({ messageId: started.attempt.id, externalId: result.externalId });
    return 'sent';
  }
  await markSent(ctx, input, started.attempt.id, result.externalId);
  await markRead(ctx.orm, adapter, input);
  return 'sent';
}

/**
 * The channel call of an attempt that is out (its row SENDING). A refusal for good ends it FAILED;
 * an ambiguous error on a wire that cannot deduplicate ends it UNCERTAIN; a "not accepted" puts it
 * back to PENDING and throws, as does an ambiguous error on a retry-safe wire (the row stays
 * SENDING: the retry sends the same wire id again). On success the caller marks it SENT.
 */
async function callChannel(
  ctx: ActivityContext,
  adapter: ChannelAdapter,
  afterChannelSend: () => void,
  input: SendMessageInput,
  attempt: Attempt,
): Promise<{ externalId: string } | 'failed' | 'uncertain'> {
  const id = attempt.id;
  let externalId: string;
  try {
    ({ externalId } = await adapter.send({
      idempotencyKey: input.idempotencyKey,
      to: input.to,
      text: attempt.text,
      content: outboundContent(attempt),
      ...(attempt.reply_to_external_id ? { replyToExternalId: attempt.reply_to_external_id } : {}),
      conversationId: input.conversationId,
      ...(input.priority ? { priority: input.priority } : {}),
    }));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    switch (classifySendError(err)) {
      case 'permanent':
        await endAttempt(ctx, input, id, 'FAILED', reason);
        // The message is FAILED either way; the caller learns the channel itself is refused.
        if (err instanceof PermanentChannelError && err.channelRejected) throw channelRejected(reason);
        return 'failed';
      case 'not-accepted':
        // Nothing went out: back to PENDING, and the retry sends it on any wire.
        await endAttempt(ctx, input, id, 'PENDING', null);
        throw err;
      case 'ambiguous':
        // The row stays SENDING: the retry sends the same wire id again.
        if (adapter.retrySafe) throw err;
        await endAttempt(ctx, input, id, 'UNCERTAIN', UNCERTAIN_REASONS.ambiguousError(reason));
        return 'uncertain';
    }
  }
  afterChannelSend();
  return { externalId };
}

/** The attempt's message went out with `externalId`: SENT (or further, by receipts that came first). */
async function markSent(ctx: ActivityContext, input: SendMessageInput, id: string, externalId: string): Promise<void> {
  await execute(
    ctx.orm,
    // Receipts the wire sent before this mark (kept by connector/receipts.ts) are applied with it.
    // UNCERTAIN too: a retry may have given up on this attempt while it was still out, and it did go out.
    `with pending as (
       delete from pending_receipts p where p.channel_id = ? and p.external_id = ?
         and exists (select 1 from messages where id = ? and status in ('SENDING', 'UNCERTAIN'))
       returning p.status, p.at, p.code, p.reason
     ), r as (
       select ${MERGED_RECEIPTS} from pending
     ), sent as (
       update messages m set status = case when r.rank > 1 then parley_receipt_status(r.rank) else 'SENT' end,
         external_id = ?, sent_at = clock_timestamp(), delivered_at = r.delivered_at, read_at = r.read_at,
         failure_code = case when r.rank = 2 then r.code end, failure_reason = case when r.rank = 2 then r.reason end
       from r where m.id = ? and m.status in ('SENDING', 'UNCERTAIN') returning m.conversation_id, m.text, m.sent_at
     ), conversation as (
       update conversations c set last_message_at = sent.sent_at, last_message_text = sent.text
       from sent where c.id = sent.conversation_id and c.last_message_at < sent.sent_at
     )
     select ${NOTIFY} from sent`,
    [input.channelId, externalId, id, externalId, id, messageUpdated(input, id)],
  );
}

/**
 * Records the attempt before the channel call. A new bot message is inserted SENDING with its
 * first attempt in the statement that records it; an existing row moves PENDING → SENDING (or
 * SENDING → SENDING on a retry-safe adapter) in one conditional update that also returns the
 * status it found. `attempt` is null when this call must not send.
 */
async function startAttempt(ctx: ActivityContext, adapter: ChannelAdapter, input: SendMessageInput): Promise<{ id: string; status: MessageStatus; attempt: Attempt | null }> {
  if (!input.messageId) {
    const id = randomUUID();
    const [inserted] = await execute<Attempt[]>(
      ctx.orm,
      `with inserted as (
         insert into messages (id, workspace_id, conversation_id, channel_id, direction, sender_type, type, text, media, details, reply_to_external_id,
           status, idempotency_key, reply_to_id, send_attempts, sending_at)
         values (?, ?, ?, ?, 'OUTBOUND', ?, ?, ?, ?::jsonb, ?::jsonb, ?, 'SENDING', ?, ?, 1, clock_timestamp())
         on conflict (idempotency_key) do nothing
         returning ${ATTEMPT_COLUMNS}
       )
       select ${ATTEMPT_COLUMNS}, ${NOTIFY} from inserted`,
      [
        id, input.workspaceId, input.conversationId, input.channelId, input.senderType, input.type ?? 'TEXT', input.text ?? '',
        input.media ? JSON.stringify(input.media) : null, input.details ? JSON.stringify(input.details) : null, input.replyToExternalId ?? null,
        input.idempotencyKey, input.replyToId ?? null,
        eventPayload({ type: 'messageAdded', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId: id }),
      ],
    );
    if (inserted) return { id: inserted.id, status: 'SENDING', attempt: inserted };
  }
  // An agent's message (written PENDING by the API), or a retry of a bot message.
  const [row] = await execute<(Omit<Attempt, 'text'> & { status: MessageStatus; text: string | null })[]>(
    ctx.orm,
    `with prior as (
       select id, status from messages where ${input.messageId ? 'id = ? and workspace_id = ?' : 'idempotency_key = ?'} for update
     ), started as (
       update messages m set status = 'SENDING', send_attempts = m.send_attempts + 1, sending_at = clock_timestamp()
       from prior where m.id = prior.id and (prior.status = 'PENDING' or (prior.status = 'SENDING' and ?::boolean))
       returning m.id, m.text, m.type, m.media, m.details, m.reply_to_external_id, m.workspace_id, m.conversation_id
     )
     select prior.id, prior.status, started.text, started.type, started.media, started.details, started.reply_to_external_id,
       case when started.id is not null then ${notifyPerRow('messageUpdated', { workspaceId: 'started.workspace_id', conversationId: 'started.conversation_id', messageId: 'started.id' })} end
     from prior left join started on started.id = prior.id`,
    [...(input.messageId ? [input.messageId, input.workspaceId] : [input.idempotencyKey]), adapter.retrySafe],
  );
  if (!row) throw permanentSendFailure(`message ${input.messageId ?? input.idempotencyKey} does not exist`);
  return { id: row.id, status: row.status, attempt: row.text === null ? null : { ...row, text: row.text } };
}

/** Ends (or, for PENDING, rewinds) the attempt that is out: only a row still SENDING moves. */
async function endAttempt(ctx: ActivityContext, input: SendMessageInput, id: string, status: 'FAILED' | 'UNCERTAIN' | 'PENDING', reason: string | null): Promise<void> {
  await execute(
    ctx.orm,
    `with moved as (update messages set status = ?, failure_reason = ? where id = ? and status = 'SENDING' returning id) select ${NOTIFY} from moved`,
    [status, reason, id, messageUpdated(input, id)],
  );
}

function messageUpdated(input: SendMessageInput, messageId: string): string {
  return eventPayload({ type: 'messageUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId });
}
