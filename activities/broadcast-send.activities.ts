/**
 * A broadcast's sends, on its channel's task queue (the connector that holds the channel): one
 * activity sends one batch of PENDING recipients, heartbeating after each, so a broadcast costs
 * Temporal one task per batch, never one per recipient.
 *
 * Never twice: each recipient's message goes through the same send state machine as every other
 * message (messaging.activities.ts `sendOne`), keyed `broadcast:<broadcastId>:<contactId>`. The
 * message row is written SENDING before the channel call, so a batch retried after a crash finds
 * it: a retry-safe wire (simulator, WhatsApp Web) gets the same wire id again, any other wire makes
 * it UNCERTAIN and it is not sent again. The recipient row then takes its message's status.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ActivityContext } from './context';
import type { ChannelAdapter } from '../connector/channels/port';
import { execute } from '../schema/orm';
import { eventPayload, NOTIFY } from './events';
import { sendOne } from './messaging.activities';
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
      for (const row of rows) {
        // A pause or cancel cancels the batch: stop between two sends, never inside one.
        if (signal.aborted) break;
        const conversationId = await conversationFor(ctx, input, row);
        const scope = { contact: { name: row.name, phone: row.phone, fields: row.fields }, variables: {} };
        const message = row.template
          ? {
              text: row.template.name,
              details: { template: { ...row.template, variables: row.template.variables.map((v) => renderTemplate(v, scope)) } },
            }
          : { text: renderTemplate(row.text ?? '', scope) };
        await sendOne(ctx, adapter, afterChannelSend, {
          workspaceId: input.workspaceId,
          channelId: input.channelId,
          conversationId,
          to: row.phone,
          idempotencyKey: broadcastRecipientKey(input.broadcastId, row.contact_id),
          senderType: 'BOT',
          // Shares the channel's limiter with the inbox, behind every conversation's send.
          priority: 'broadcast',
          ...message,
        });
        await recordOutcome(ctx, row.id, broadcastRecipientKey(input.broadcastId, row.contact_id));
        processed++;
        Context.current().heartbeat({ processed });
      }
      await execute(ctx.orm, `select ${NOTIFY}`, [eventPayload({ type: 'broadcastProgress', workspaceId: input.workspaceId, broadcastId: input.broadcastId })]);
      return { processed, more: rows.length === input.limit || processed < rows.length };
    },
  };
}

/** The contact's conversation on the channel (created if it has none): a reply to the broadcast lands in it, routed as usual. */
async function conversationFor(ctx: ActivityContext, input: BroadcastBatchInput, row: RecipientRow): Promise<string> {
  // A new conversation's workflow id names its row, never the phone number (workflows/ids.ts).
  const id = randomUUID();
  const [found] = await execute<{ id: string }[]>(
    ctx.orm,
    `with inserted as (
       insert into conversations (id, workspace_id, channel_id, contact_id, workflow_id)
       values (?, ?, ?, ?, ?) on conflict (channel_id, contact_id) do nothing returning id
     )
     select id from inserted union all select id from conversations where channel_id = ? and contact_id = ? limit 1`,
    [id, input.workspaceId, input.channelId, row.contact_id, conversationWorkflowId(input.channelId, id), input.channelId, row.contact_id],
  );
  return found.id;
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
