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
  workflow_id: string;
}

/** The call connector/inbound.ts makes, with fresh ids for whatever it may create. */
function receive(client: pg.Client, channelId: string, externalId: string, from: string, text: string) {
  const conversationId = randomUUID();
  return client.query<Received>('select * from parley_receive_inbound($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
    channelId, externalId, toContactKey(from), null, text, conversationWorkflowId(channelId, conversationId), randomUUID(), randomUUID(), conversationId,
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

it("names a new conversation's workflow by its row, and keeps the id a conversation's workflow already runs under", async () => {
  const ws = await createWorkspace(api);
  const client = new pg.Client({ connectionString: api.databaseUrl });
  await client.connect();
  try {
    const [fresh] = (await receive(client, ws.channelId, 'wamid.ID-1', '+4915100000072', 'hello')).rows;
    expect(fresh.workflow_id).toBe(conversationWorkflowId(ws.channelId, fresh.conversation_id));
    expect(fresh.workflow_id).not.toContain('4915100000072');
    const [again] = (await receive(client, ws.channelId, 'wamid.ID-2', '+4915100000072', 'hello again')).rows;
    expect(again).toMatchObject({ result: 'NEW', conversation_id: fresh.conversation_id, workflow_id: fresh.workflow_id });

    // A conversation from before, whose workflow runs as conversation:<channelId>:<contactKey>, keeps it.
    const legacy = `conversation:${ws.channelId}:4915100000073`;
    const [old] = (await receive(client, ws.channelId, 'wamid.ID-3', '+4915100000073', 'hi')).rows;
    await client.query('update conversations set workflow_id = $1 where id = $2', [legacy, old.conversation_id]);
    const [next] = (await receive(client, ws.channelId, 'wamid.ID-4', '+4915100000073', 'still there?')).rows;
    expect(next).toMatchObject({ conversation_id: old.conversation_id, workflow_id: legacy });
    const [duplicate] = (await receive(client, ws.channelId, 'wamid.ID-4', '+4915100000073', 'still there?')).rows;
    expect(duplicate).toMatchObject({ result: 'DUPLICATE', workflow_id: legacy });
  } finally {
    await client.end();
  }
});
