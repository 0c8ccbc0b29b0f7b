/**
 * Delivery receipts from the wire (Cloud API statuses, WhatsApp Web's message updates) onto the
 * messages we sent, found by (channel, external id). A status only moves forward (SENT → FAILED →
 * DELIVERED → READ, by parley_receipt_rank: schema/migrations/Migration20261202031000_message_ingress.ts),
 * delivered_at / read_at are set once, and every message that changed is published (messageUpdated).
 * A receipt for an id not recorded yet (the wire can answer before the send's SENT mark lands) is
 * kept in pending_receipts; the SENT mark (activities/messaging.activities.ts) applies and deletes it.
 * A broadcast recipient whose message moved moves with it (DELIVERED, READ, FAILED).
 */
import { execute, type Orm } from '../schema/orm';
import type { DeliveryReceipt, ReceiptSink } from './channels/inbound-message';
import { notifyPerRow } from '../activities/events';

/** A receipt whose message never shows up (sent from another device, say) is dropped after this. */
const PENDING_TTL_DAYS = 7;

/** The receipt sink the connector's channels and the api's webhooks share (ActivityContext.receipts, ApiDeps.receipts). */
export function createReceiptSink(orm: Orm): ReceiptSink {
  return {
    async apply(receipts) {
      if (receipts.length === 0) return;
      const [{ pending }] = await execute<{ pending: number }[]>(orm, APPLY, columns(receipts));
      // Its SENT mark may have landed while this statement ran, and missed what it kept.
      if (pending > 0) await execute(orm, APPLY_PENDING, [`{${[...new Set(receipts.map((r) => r.channelId))].join(',')}}`]);
    },
  };
}

/** The batch as parallel arrays: one statement for any number of receipts. */
function columns(receipts: DeliveryReceipt[]): string[] {
  const array = (values: (string | null)[]) => `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
  return [
    array(receipts.map((r) => r.channelId)),
    array(receipts.map((r) => r.externalId)),
    array(receipts.map((r) => r.status)),
    array(receipts.map((r) => r.at.toISOString())),
    array(receipts.map((r) => r.errorCode ?? null)),
    array(receipts.map((r) => r.errorReason ?? null)),
  ];
}

/**
 * Per message, what a set of receipts (rows of status, at, code, reason) says, merged: `rank` (of
 * the furthest status, parley_receipt_rank), delivered_at, read_at, and a FAILED one's code and reason.
 */
export const MERGED_RECEIPTS = `
  max(parley_receipt_rank(status)) as rank,
  min(at) filter (where status in ('DELIVERED', 'READ')) as delivered_at,
  min(at) filter (where status = 'READ') as read_at,
  max(code) filter (where status = 'FAILED') as code,
  max(reason) filter (where status = 'FAILED') as reason`;

/**
 * The CTEs `r` (the receipts of CTE `source`, merged per message) and `updated` (the messages they
 * move, only where they change something: a status forward, a first delivered_at / read_at).
 */
function applyMerged(source: string): string {
  return `r as (
    select channel_id, external_id, ${MERGED_RECEIPTS} from ${source} group by channel_id, external_id
  ), updated as (
    update messages m
    set status = case when r.rank > parley_receipt_rank(m.status) then parley_receipt_status(r.rank) else m.status end,
        failure_code = case when r.rank = 2 and parley_receipt_rank(m.status) < 2 then r.code else m.failure_code end,
        failure_reason = case when r.rank = 2 and parley_receipt_rank(m.status) < 2 then r.reason else m.failure_reason end,
        delivered_at = coalesce(m.delivered_at, r.delivered_at),
        read_at = coalesce(m.read_at, r.read_at)
    from r
    where m.channel_id = r.channel_id and m.external_id = r.external_id and m.direction = 'OUTBOUND'
      and (r.rank > parley_receipt_rank(m.status) or (m.delivered_at is null and r.delivered_at is not null) or (m.read_at is null and r.read_at is not null))
    returning m.id, m.workspace_id, m.conversation_id, m.status
  ), recipients as (
    -- A broadcast's message carries its recipient along (broadcast_recipients.message_id).
    update broadcast_recipients br set status = updated.status
    from updated where br.message_id = updated.id and updated.status in ('DELIVERED', 'READ', 'FAILED') and br.status <> updated.status
  )`;
}
const UPDATED_NOTIFY = notifyPerRow('messageUpdated', { workspaceId: 'workspace_id', conversationId: 'conversation_id', messageId: 'id' });

const APPLY = `
  with input as (
    select * from unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[]) as i(channel_id, external_id, status, at, code, reason)
  ), ${applyMerged('input')}, kept as (
    insert into pending_receipts (id, channel_id, external_id, status, at, code, reason)
    select gen_random_uuid(), i.channel_id, i.external_id, i.status, i.at, i.code, i.reason from input i
    where i.status <> 'SENT' and not exists (
      select 1 from messages m where m.channel_id = i.channel_id and m.external_id = i.external_id and m.direction = 'OUTBOUND'
    )
    on conflict (channel_id, external_id, status) do nothing
    returning 1
  ), notified as (
    select ${UPDATED_NOTIFY} from updated
  )
  select (select count(*) from kept)::int as pending, (select count(*) from notified)::int as notified`;

/** Applies (and deletes) the pending receipts of these channels whose message is recorded now; drops expired ones. */
const APPLY_PENDING = `
  with expired as (
    delete from pending_receipts where received_at < now() - interval '${PENDING_TTL_DAYS} days'
  ), taken as (
    delete from pending_receipts p using messages m
    where p.channel_id = any(?::uuid[]) and m.channel_id = p.channel_id and m.external_id = p.external_id and m.direction = 'OUTBOUND'
    returning p.*
  ), ${applyMerged('taken')}
  select ${UPDATED_NOTIFY} from updated`;
