/**
 * A flow run under worker crashes: the api and connector run in one process, the worker (every
 * workflow, the flow activities) in another, killed with SIGKILL while the run sleeps on a delay and
 * again while it waits on a question. A new worker picks the run up from its history each time: it
 * goes on where it was, and every message it sends reaches the simulator's wire once.
 */
import { createWorkspace, gqlOk, query, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../support/platform';
import { wireAttempts } from '../support/sends';

let platform: PlatformProcess;
let worker: PlatformProcess | undefined;
let ws: TestWorkspace;

beforeAll(async () => {
  platform = await startPlatform({ roles: 'api,connector' });
  ws = await createWorkspace(platform.url);
});

afterAll(async () => {
  await worker?.stop();
  await platform?.stop();
});

const node = (id: string, type: string, data: object) => ({ id, type, data, position: { x: 0, y: 0 } });
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target });

const sent = (conversationId: string) =>
  query<{ text: string; idempotency_key: string; status: string }>(
    platform.databaseUrl,
    `select text, idempotency_key, status from messages where conversation_id = $1 and sender_type = 'BOT' order by created_at`,
    [conversationId],
  );

const runStatus = async (conversationId: string) =>
  (await query<{ status: string; current_node_id: string }>(platform.databaseUrl, 'select status, current_node_id from flow_runs where conversation_id = $1', [conversationId]))[0];

it('kill -9 of the worker during a delay and during a question: the run resumes, nothing is sent twice', async () => {
  const definition = {
    nodes: [
      node('start', 'trigger', { on: 'keyword', keywords: ['go'], matchType: 'EXACT' }),
      node('one', 'message', { text: 'Step one.' }),
      node('pause', 'delay', { seconds: 4 }),
      node('two', 'message', { text: 'Step two.' }),
      node('ask', 'question', { text: 'Your name?', input: 'text', saveAs: 'name' }),
      node('three', 'message', { text: 'Thanks, {{name}}.' }),
      node('end', 'end', {}),
    ],
    edges: [edge('start', 'one'), edge('one', 'pause'), edge('pause', 'two'), edge('two', 'ask'), edge('ask', 'three'), edge('three', 'end')],
  };
  const { createFlow } = await gqlOk(platform.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name: 'Crash', definition } }, ws.token);
  await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version } }`, { id: createFlow.id }, ws.token);

  worker = await startPlatform({ roles: 'worker', databaseUrl: platform.databaseUrl });
  const phone = '+4915180000001';
  const { conversationId } = await simulateInbound(platform.url, ws, phone, 'go');
  await waitFor('step one sent and the run on its delay', async () => {
    const messages = await sent(conversationId);
    const run = await runStatus(conversationId);
    return messages[0]?.status === 'SENT' && run?.status === 'WAITING' && run.current_node_id === 'pause';
  });
  await worker.kill();

  worker = await startPlatform({ roles: 'worker', databaseUrl: platform.databaseUrl });
  await waitFor('the question asked after the delay', async () => {
    const messages = await sent(conversationId);
    const run = await runStatus(conversationId);
    return messages.length === 3 && messages[2].status === 'SENT' && run.status === 'WAITING' && run.current_node_id === 'ask';
  }, 60_000);
  await worker.kill();

  worker = await startPlatform({ roles: 'worker', databaseUrl: platform.databaseUrl });
  await simulateInbound(platform.url, ws, phone, 'Ada');
  await waitFor('the run to complete', async () => (await runStatus(conversationId)).status === 'COMPLETED', 60_000);

  const messages = await sent(conversationId);
  expect(messages.map((m) => [m.text, m.status])).toEqual([
    ['Step one.', 'SENT'],
    ['Step two.', 'SENT'],
    ['Your name?', 'SENT'],
    ['Thanks, Ada.', 'SENT'],
  ]);
  for (const message of messages) expect((await wireAttempts(platform.databaseUrl, message.idempotency_key)).map((a) => a.outcome)).toEqual(['DELIVERED']);
  const stats = await query(platform.databaseUrl, 'select node_id, entered, completed, dropped from flow_node_stats where flow_id = $1 order by node_id', [createFlow.id]);
  // Each node counted once, whatever the crashes made run again.
  expect(stats.every((s) => s.entered === 1 && s.completed === 1 && s.dropped === 0)).toBe(true);
  expect(stats).toHaveLength(7);
});
