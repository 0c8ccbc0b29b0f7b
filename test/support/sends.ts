/** What the send-state and crash suites read: a reply's row as its send left it, and the simulator's wire. */
import { gqlOk, query, waitFor } from './platform';

/** An outbound message's send, as its row records it. */
export interface SendRow {
  id: string;
  status: string;
  failure_reason: string | null;
  send_attempts: number;
  external_id: string | null;
  idempotency_key: string;
  sending_at: Date | null;
  sent_at: Date | null;
}

export const SEND_ROW = 'select id, status, failure_reason, send_attempts, external_id, idempotency_key, sending_at, sent_at from messages';

/** A SIMULATOR channel whose wire deduplicates nothing, as the Cloud API's. */
export async function createCloudLikeChannel(url: string, token: string): Promise<string> {
  const { createChannel } = await gqlOk(url, `mutation { createChannel(input: { kind: SIMULATOR, name: "Cloud-like", simulator: { idempotentWire: false } }) { id } }`, {}, token);
  return createChannel.id;
}

export async function replyRow(databaseUrl: string, inboundId: string): Promise<SendRow | undefined> {
  const [row] = await query<SendRow>(databaseUrl, `${SEND_ROW} where reply_to_id = $1`, [inboundId]);
  return row;
}

/** The reply to an inbound message once its send has ended (neither PENDING nor SENDING). */
export async function settledReply(databaseUrl: string, inboundId: string, timeoutMs = 60_000): Promise<SendRow> {
  return waitFor(`the reply to ${inboundId} to settle`, async () => {
    const row = await replyRow(databaseUrl, inboundId);
    return row && !['PENDING', 'SENDING'].includes(row.status) && row;
  }, timeoutMs);
}

/** Every attempt the simulator's wire received for one idempotency key, in order. */
export async function wireAttempts(databaseUrl: string, idempotencyKey: string) {
  return query<{ wire_id: string; outcome: string }>(
    databaseUrl,
    'select wire_id, outcome from simulator_deliveries where idempotency_key = $1 order by delivered_at',
    [idempotencyKey],
  );
}

/**
 * Counts attempts on the simulator's wire, which records every one: each reply went out under
 * exactly one wire message id (a second id for one key is a double send a phone shows twice),
 * and the phone showed it once.
 */
export async function expectEachReplyOnceOnTheWire(databaseUrl: string, replies: number): Promise<void> {
  const wire = await query<{ idempotency_key: string; wire_ids: number; shown: number }>(
    databaseUrl,
    `select idempotency_key, count(distinct wire_id)::int as wire_ids, (count(*) filter (where outcome = 'DELIVERED'))::int as shown
     from simulator_deliveries group by idempotency_key`,
  );
  expect(wire.filter((w) => w.wire_ids !== 1 || w.shown !== 1)).toEqual([]);
  expect(wire).toHaveLength(replies);
  const mismatched = await query(
    databaseUrl,
    `select m.idempotency_key from messages m where m.direction = 'OUTBOUND'
     and not exists (select 1 from simulator_deliveries d where d.idempotency_key = m.idempotency_key and d.wire_id = m.external_id)`,
  );
  expect(mismatched).toEqual([]);
}
