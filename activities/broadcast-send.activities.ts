/**
 * A broadcast's sends, on its channel's task queue (the connector that holds the channel): one
 * activity sends one batch of PENDING recipients, heartbeating after each, so a broadcast costs
 * Temporal one task per batch, never one per recipient.
 *
 * Never twice: each recipient's message goes through the same send state machine as every other
 * message (messaging.activities.ts), keyed `broadcast:<broadcastId>:<contactId>`. The message row
 * is written SENDING before the channel call, so a batch retried after a crash finds it: a
 * retry-safe wire (simulator, WhatsApp Web) gets the same wire id again, any other wire makes it
 * UNCERTAIN and it is not sent again. The recipient row then takes its message's status. A
 * channel that refuses every send fails the batch for good (ChannelRejected): the broadcast is FAILED.
 *
 * Batched where the state machine allows (bench/broadcasts measured ~6 statements per recipient,
 * each its own commit): the batch's conversations are written by one statement, each message's
 * SENDING row still right before its own channel call (so a pause or cancel leaves no row for a
 * recipient not sent), and on a retry-safe wire the SENT marks (message, recipient, conversation)
 * of the batch are written by one statement after the calls, since a crash before it only sends
 * the same wire ids again. On any other wire each send is marked as soon as it returns, so a crash
 * leaves at most the one message in flight UNCERTAIN.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ActivityContext } from './context';
import type { ChannelAdapter } from '../connector/channels/port';
import { execute } from '../schema/orm';
import { eventPayload, NOTIFY, notifyPerRow } from './events';
import { sendOne, type SendMessageInput } from './messaging.activities';
import { MERGED_RECEIPTS } from '../connector/receipts';
import { isChannelRejected } from './failures';
import { renderTemplate } from '../workflows/flows/variables';
import { broadcastRecipientKey, conversationWorkflowId } from '../workflows/ids';
import type { BroadcastTemplate } from '../schema/entities/broadcast.entity';

export interface BroadcastBatchInput {
  workspaceId: string;
  broadcastId: string;
  channelId: string;
  /** Recipients at most in this batch. */
  limit: number;
}

export interface BroadcastBatchResult {
  /** Recipients this batch ended (sent, failed or uncertain). */
  processed: number;
  /** False when no PENDING recipient is left. */
  more: boolean;
}

interface RecipientRow {
  id: string;
  contact_id: string;
  contact_key: string;
  phone: string;
  name: string | null;
  fields: Record<string, unknown>;
  text: string | null;
  template: BroadcastTemplate | null;
}

export function createBroadcastSendActivities(ctx: ActivityContext, adapter: ChannelAdapter, afterChannelSend: () => void) {
  return {
    async sendBroadcastBatch(input: BroadcastBatchInput): Promise<BroadcastBatchResult> {
      const rows = await execute<RecipientRow[]>(
        ctx.orm,
        `select r.id, r.contact_id, ct.contact_key, ct.phone, ct.name, ct.fields, b.text, b.template
           from broadcast_recipients r join broadcasts b on b.id = r.broadcast_id join contacts ct on ct.id = r.contact_id
           where r.broadcast_id = ? and r.workspace_id = ? and r.status = 'PENDING'
           order by r.id limit ?`,
        [input.broadcastId, input.workspaceId, input.limit],
      );
      const signal = Context.current().cancellationSignal;
      let processed = 0;
      const conversations = await conversationsFor(ctx, input, rows);
      const sent: SentRecipient[] = [];
      const flush = () => markSent(ctx, input, sent.splice(0));
      try {
        for (const row of rows) {
          // A pause or cancel cancels the batch: stop between two sends, never inside one.
          if (signal.aborted) break;
          const send = recipientSend(input, row, conversations.get(row.contact_id)!);
          let outcome: Awaited<ReturnType<typeof sendOne>>;
          try {
            outcome = await sendOne(ctx, adapter, afterChannelSend, send, (out) => sent.push({ recipientId: row.id, ...out }));
          } catch (err) {
            // The channel refuses every send (credentials rejected, number locked): this recipient is
            // FAILED with the reason, and the broadcast fails with it (not retried) rather than try the rest.
            if (isChannelRejected(err)) await recordOutcome(ctx, row.id, send.idempotencyKey);
            throw err;
          }
          if (outcome !== 'sent') await recordOutcome(ctx, row.id, send.idempotencyKey);
          else if (!adapter.retrySafe) await flush();
          processed++;
          Context.current().heartbeat({ processed });
        }
      } finally {
        // What went out is marked even when a later send threw, so the retry does not call the wire for it again.
        await flush();
      }
      await execute(ctx.orm, `select ${NOTIFY}`, [eventPayload({ type: 'broadcastProgress', workspaceId: input.workspaceId, broadcastId: input.broadcastId })]);
      return { processed, more: rows.length === input.limit || processed < rows.length };
    },
  };
}

/** A recipient's message as the send state machine takes it, its text or template rendered for the contact. */
function recipientSend(input: BroadcastBatchInput, row: RecipientRow, conversationId: string): SendMessageInput {
  const scope = { contact: { name: row.name, phone: row.phone, fields: row.fields }, variables: {} };
  const message = row.template
    ? { text: row.template.name, details: { template: { ...row.template, variables: row.template.variables.map((v) => renderTemplate(v, scope)) } } }
    : { text: renderTemplate(row.text ?? '', scope) };
  return {
    workspaceId: input.workspaceId,
    channelId: input.channelId,
    conversationId,
    to: row.phone,
    idempotencyKey: broadcastRecipientKey(input.broadcastId, row.contact_id),
    senderType: 'BOT',
    // Shares the channel's limiter with the inbox, behind every conversation's send.
    priority: 'broadcast',
    ...message,
  };
}

/**
 * Each contact's conversation on the channel (created if it has none), in one statement: a reply
 * to the broadcast lands in it, routed as usual. contact id → conversation id.
 */
async function conversationsFor(ctx: ActivityContext, input: BroadcastBatchInput, rows: RecipientRow[]): Promise<Map<string, string>> {
  if (!rows.length) return new Map();
  // A new conversation's workflow id names its row, never the phone number (workflows/ids.ts).
  const wanted = rows.map((row) => {
    const id = randomUUID();
    return { contact_id: row.contact_id, id, workflow_id: conversationWorkflowId(input.channelId, id) };
  });
  // The select beside the insert reads the snapshot before it: together they name each conversation once.
  const found = await execute<{ id: string; contact_id: string }[]>(
    ctx.orm,
    `with wanted as (
       select * from jsonb_to_recordset(?::jsonb) as w(contact_id uuid, id uuid, workflow_id text)
     ), inserted as (
       insert into conversations (id, workspace_id, channel_id, contact_id, workflow_id)
       select w.id, ?, ?, w.contact_id, w.workflow_id from wanted w
       on conflict (channel_id, contact_id) do nothing returning id, contact_id
     )
     select id, contact_id from inserted
     union all select c.id, c.contact_id from conversations c join wanted w on w.contact_id = c.contact_id where c.channel_id = ?`,
    [JSON.stringify(wanted), input.workspaceId, input.channelId, input.channelId],
  );
  return new Map(found.map((c) => [c.contact_id, c.id]));
}

interface SentRecipient {
  recipientId: string;
  messageId: string;
  externalId: string;
}

/**
 * Messages that went out: SENT (or further, by receipts the wire sent before this mark, kept by
 * connector/receipts.ts), each recipient takes its message's status, each conversation its last
 * message; one statement for all of them. UNCERTAIN too: a retry may have given up on an attempt
 * while it was still out, and it did go out (as messaging.activities.ts markSent).
 */
async function markSent(ctx: ActivityContext, input: BroadcastBatchInput, sent: SentRecipient[]): Promise<void> {
  if (!sent.length) return;
  await execute(
    ctx.orm,
    `with s as (
       select * from jsonb_to_recordset(?::jsonb) as s(recipient_id uuid, message_id uuid, external_id text)
     ), pending as (
       delete from pending_receipts p using s, messages m
       where p.channel_id = ? and p.external_id = s.external_id and m.id = s.message_id and m.status in ('SENDING', 'UNCERTAIN')
       returning p.external_id, p.status, p.at, p.code, p.reason
     ), r as (
       select s.*, merged.* from s cross join lateral (select ${MERGED_RECEIPTS} from pending where pending.external_id = s.external_id) merged
     ), sent as (
       update messages m set status = case when r.rank > 1 then parley_receipt_status(r.rank) else 'SENT' end,
         external_id = r.external_id, sent_at = clock_timestamp(), delivered_at = r.delivered_at, read_at = r.read_at,
         failure_code = case when r.rank = 2 then r.code end, failure_reason = case when r.rank = 2 then r.reason end
       from r where m.id = r.message_id and m.status in ('SENDING', 'UNCERTAIN')
       returning m.id, m.workspace_id, m.conversation_id, m.text, m.sent_at, m.status, m.failure_reason, r.recipient_id
     ), conversation as (
       update conversations c set last_message_at = sent.sent_at, last_message_text = sent.text
       from sent where c.id = sent.conversation_id and c.last_message_at < sent.sent_at
     ), recipients as (
       update broadcast_recipients br set status = sent.status, message_id = sent.id, sent_at = sent.sent_at, error = sent.failure_reason
       from sent where br.id = sent.recipient_id
     )
     select ${notifyPerRow('messageUpdated', { workspaceId: 'workspace_id', conversationId: 'conversation_id', messageId: 'id' })} from sent`,
    [JSON.stringify(sent.map((s) => ({ recipient_id: s.recipientId, message_id: s.messageId, external_id: s.externalId }))), input.channelId],
  );
}

/** The recipient takes its message's status (a message still SENDING or PENDING leaves it PENDING for the retry). */
async function recordOutcome(ctx: ActivityContext, recipientId: string, key: string): Promise<void> {
  await execute(
    ctx.orm,
    `update broadcast_recipients r set status = m.status, message_id = m.id, sent_at = coalesce(m.sent_at, r.sent_at), error = m.failure_reason
       from messages m where r.id = ? and m.idempotency_key = ? and m.status in ('SENT', 'DELIVERED', 'READ', 'FAILED', 'UNCERTAIN')`,
    [recipientId, key],
  );
}
