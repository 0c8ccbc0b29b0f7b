/** What the crash tests check on the simulator's wire. */
import { query } from '../support/platform';

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
