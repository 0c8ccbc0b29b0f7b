/**
 * The ingress's one round trip, `parley_receive_inbound` (schema/migrations/Migration20261123020000_ingress.ts),
 * on a real Postgres: the same WhatsApp id delivered twice at the same instant is stored once.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { toContactKey } from '../phone';
import { conversationWorkflowId } from '../../workflows/ids';
import { testApp } from '../../test/support/app';
import { createWorkspace, query, waitFor } from '../../test/support/platform';

const api = testApp();

interface Received {
  result: string;
  message_id: string;
  conversation_id: string;
}

/** The call connector/inbound.ts makes, with fresh ids for whatever it may create. */
function receive(client: pg.Client, channelId: string, externalId: string, from: string, text: string) {
  const contactKey = toContactKey(from);
  return client.query<Received>('select * from parley_receive_inbound($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
    channelId, externalId, contactKey, null, text, conversationWorkflowId(channelId, contactKey), randomUUID(), randomUUID(), randomUUID(),
  ]);
}

it('stores one row for two deliveries of the same id at the same instant; both get its id, the second as DUPLICATE', async () => {
  const ws = await createWorkspace(api);
  const first = new pg.Client({ connectionString: api.databaseUrl });
  const second = new pg.Client({ connectionString: api.databaseUrl });
  await Promise.all([first.connect(), second.connect()]);
  try {
    // The first delivery has written everything but not committed when the second arrives: the
    // second's look-up finds nothing, so it reaches its own insert and waits there on the first.
    await first.query('begin');
    const [stored] = (await receive(first, ws.channelId, 'wamid.SAME-INSTANT', '+4915100000071', 'hello')).rows;
    const racing = receive(second, ws.channelId, 'wamid.SAME-INSTANT', '+4915100000071', 'hello');
    const secondPid = (second as unknown as { processID: number }).processID;
    await waitFor('the second delivery to wait on the first', async () =>
      (await query(api.databaseUrl, `select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'`, [secondPid])).length > 0);
    await first.query('commit');
    const [duplicate] = (await racing).rows;

    expect(stored.result).toBe('NEW');
    expect(duplicate).toMatchObject({ result: 'DUPLICATE', message_id: stored.message_id, conversation_id: stored.conversation_id });
    const rows = await query(api.databaseUrl, `select id from messages where channel_id = $1 and external_id = 'wamid.SAME-INSTANT'`, [ws.channelId]);
    expect(rows).toEqual([{ id: stored.message_id }]);
    const [conversation] = await query(api.databaseUrl, 'select unread_count from conversations where id = $1', [stored.conversation_id]);
    expect(conversation.unread_count).toBe(1);
  } finally {
    await Promise.all([first.end(), second.end()]);
  }
});
