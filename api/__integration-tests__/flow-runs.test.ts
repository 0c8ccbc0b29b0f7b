/**
 * Flow runs end to end through the simulator (issue 11): a published flow's trigger starts a
 * flowRunWorkflow (a child of the conversation), its questions take the contact's next messages,
 * buttons reach the simulator and a tap takes their branch, a webhook to a local HTTP server (a 500,
 * then success; or failing every retry → `error`), conditions, variables; the cancel keyword;
 * republishing leaves a waiting run on its version; takeover pauses a question, release resumes it.
 * Real Parley (api + worker + connector), Postgres and Temporal; the webhook server is the test's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { stateQuery } from '../../workflows/conversation.workflow';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';
import { createWorkspace, gqlOk, query, startPlatform, subscribe, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';

let platform: PlatformProcess;
let temporal: Client;
let connection: Connection;
let db: pg.Client;
let hook: http.Server;
let hookUrl: string;
/** What the webhook server received, and how it answers next: a queue of statuses (then 200). */
const received: { path: string; body: string }[] = [];
const statuses: number[] = [];

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      const status = req.url?.startsWith('/down') ? 503 : (statuses.shift() ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' });
      const ok = req.url?.startsWith('/orders/') ? { status: 'shipped' } : req.url === '/leads' ? { id: 'lead-1' } : { booking: { ref: `BK-${received.length}` } };
      res.end(status === 200 ? JSON.stringify(ok) : '{"error":"busy"}');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  platform = await startPlatform({ env: { ALLOW_PRIVATE_URLS: 'true', ...(process.env.FLOW_TEST_OUTPUT ? { LOG_LEVEL: 'warn' } : {}) } });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
});

afterAll(async () => {
  if (process.env.FLOW_TEST_OUTPUT) console.log(platform?.output().slice(-8000));
  if (process.env.RECORD_HISTORIES) {
    await recordHistories(temporal, 'flows');
    await recordHistories(temporal, 'flow-runs', 'flowRunWorkflow');
  }
  await db?.end();
  await connection?.close();
  await platform?.stop();
  await new Promise((resolve) => hook?.close(resolve));
});

const node = (id: string, type: string, data: object) => ({ id, type, data, position: { x: 0, y: 0 } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${sourceHandle ?? 'next'}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

function bookingFlow(url: string, retries = 1) {
  return {
    nodes: [
      node('start', 'trigger', { on: 'keyword', keywords: ['book'], matchType: 'CONTAINS' }),
      node('email', 'question', { text: 'What is your email, {{contact.name}}?', input: 'email', retries: 1, saveAs: 'email' }),
      node('confirm', 'message', { text: 'Book a table for {{email}}?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] }),
      node('call', 'webhook', { method: 'POST', url: `${url}/bookings`, body: '{"email":"{{email}}"}', saveAs: 'ref', responsePath: 'booking.ref', retries }),
      node('check', 'condition', { rules: [{ id: 'hasRef', subject: 'variable:ref', op: 'startsWith', value: 'BK-' }] }),
      node('done', 'message', { text: 'Booked! Your reference is {{ref}}.' }),
      node('odd', 'message', { text: 'Booked, without a reference.' }),
      node('failed', 'message', { text: 'Sorry, booking is down right now.' }),
      node('bye', 'message', { text: 'No problem, maybe next time.' }),
      node('wrong', 'message', { text: 'That email still looks wrong, goodbye.' }),
      node('end', 'end', {}),
    ],
    edges: [
      edge('start', 'email'), edge('email', 'confirm'), edge('email', 'wrong', 'invalid'), edge('confirm', 'call', 'yes'), edge('confirm', 'bye', 'no'),
      edge('call', 'check', 'success'), edge('call', 'failed', 'error'), edge('check', 'done', 'hasRef'), edge('check', 'odd', 'default'),
      ...['done', 'odd', 'failed', 'bye', 'wrong'].map((id) => edge(id, 'end')),
    ],
  };
}

async function publishedFlow(ws: TestWorkspace, definition: object, name = 'Booking'): Promise<string> {
  const { createFlow } = await gqlOk(platform.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name, definition } }, ws.token);
  const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } } }`, { id: createFlow.id }, ws.token);
  expect(publishFlow.problems).toEqual([]);
  return createFlow.id;
}

async function say(ws: TestWorkspace, from: string, text: string, reply?: { id: string; title: string }): Promise<{ id: string; conversationId: string }> {
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
    { i: { channelId: ws.channelId, from, text, name: 'Ada', ...(reply ? { reply } : {}) } },
    ws.token,
  );
  return simulateInbound;
}

/** The bot's messages in the conversation once `count` of them are SENT, oldest first, as GraphQL shows them. */
async function botMessages(ws: TestWorkspace, conversationId: string, count: number): Promise<{ text: string; buttons: { id: string; title: string }[] | null }[]> {
  return waitFor(`${count} bot messages`, async () => {
    const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { messages { direction senderType status text buttons { id title } } } }`, { id: conversationId }, ws.token);
    const bot = conversation.messages.filter((m: any) => m.senderType === 'BOT');
    return bot.length >= count && bot.slice(0, count).every((m: any) => m.status === 'SENT') ? bot.map((m: any) => ({ text: m.text, buttons: m.buttons })) : null;
  });
}

async function runOf(conversationId: string, status?: string): Promise<any> {
  return waitFor(`a flow run ${status ?? ''}`, async () => {
    const { rows } = await db.query(`select * from flow_runs where conversation_id = $1 ${status ? 'and status = $2' : ''} order by started_at desc limit 1`, status ? [conversationId, status] : [conversationId]);
    return rows[0];
  });
}

describe('flow runs', () => {
  it('asks, validates, shows buttons, takes a tap, calls the webhook (a 500, then success), branches and completes', async () => {
    const ws = await createWorkspace(platform.url);
    const flowId = await publishedFlow(ws, bookingFlow(hookUrl));
    const phone = '+4915160000001';
    const { conversationId } = await say(ws, phone, 'I want to book a table');
    expect((await botMessages(ws, conversationId, 1))[0].text).toBe('What is your email, Ada?');

    await say(ws, phone, 'not-an-email');
    expect((await botMessages(ws, conversationId, 2))[1].text).toBe('Please answer with an email address, like name@example.com.\n\nWhat is your email, Ada?');
    await say(ws, phone, 'Ada@Example.com');
    const confirm = (await botMessages(ws, conversationId, 3))[2];
    expect(confirm).toEqual({ text: 'Book a table for ada@example.com?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] });

    statuses.push(500);
    const before = received.length;
    await say(ws, phone, 'Yes', { id: 'yes', title: 'Yes' });
    const ended = await waitFor('the run to end', async () => (await db.query(`select status, error, current_node_id from flow_runs where conversation_id = $1 and status not in ('RUNNING', 'WAITING')`, [conversationId])).rows[0]);
    expect(ended).toEqual({ status: 'COMPLETED', error: null, current_node_id: 'end' });
    const messages = await botMessages(ws, conversationId, 4);
    expect(messages[3].text).toMatch(/^Booked! Your reference is BK-\d+\.$/);
    expect(received.slice(before)).toEqual([
      { path: '/bookings', body: '{"email":"ada@example.com"}' },
      { path: '/bookings', body: '{"email":"ada@example.com"}' },
    ]);

    const run = await runOf(conversationId, 'COMPLETED');
    expect(run).toMatchObject({ flow_id: flowId, version: 1, current_node_id: 'end', error: null });
    expect(run.variables).toMatchObject({ email: 'ada@example.com', ref: messages[3].text.match(/BK-\d+/)![0] });
    const { flowStats } = await gqlOk(platform.url, `query($id: ID!) { flowStats(flowId: $id) { nodeId entered completed dropped } }`, { id: flowId }, ws.token);
    expect(flowStats).toEqual([
      { nodeId: 'call', entered: 1, completed: 1, dropped: 0 },
      { nodeId: 'check', entered: 1, completed: 1, dropped: 0 },
      { nodeId: 'confirm', entered: 1, completed: 1, dropped: 0 },
      { nodeId: 'done', entered: 1, completed: 1, dropped: 0 },
      { nodeId: 'email', entered: 1, completed: 1, dropped: 0 },
      { nodeId: 'end', entered: 1, completed: 1, dropped: 0 },
      { nodeId: 'start', entered: 1, completed: 1, dropped: 0 },
    ]);
    // The run over, the conversation routes as before: the default reply.
    await say(ws, phone, 'thanks');
    expect((await botMessages(ws, conversationId, 5))[4].text).toBe("Thanks for your message! We'll get back to you shortly.");
    // Sent once each: no key was used twice.
    const { rows } = await db.query(`select count(*)::int as n, count(distinct idempotency_key)::int as keys from messages where conversation_id = $1 and sender_type = 'BOT'`, [conversationId]);
    expect(rows[0].n).toBe(rows[0].keys);
  });

  it('takes the error branch when the webhook fails every retry, and `invalid` after the retries of a wrong answer', async () => {
    const ws = await createWorkspace(platform.url);
    await publishedFlow(ws, bookingFlow(`${hookUrl}/down`, 1));
    const phone = '+4915160000002';
    const { conversationId } = await say(ws, phone, 'book please');
    await botMessages(ws, conversationId, 1);
    await say(ws, phone, 'ada@example.com');
    await botMessages(ws, conversationId, 2);
    await say(ws, phone, 'Yes', { id: 'yes', title: 'Yes' });
    expect((await botMessages(ws, conversationId, 3))[2].text).toBe('Sorry, booking is down right now.');
    const run = await runOf(conversationId, 'COMPLETED');
    expect(run.variables.webhookError).toBe('the webhook answered 503');

    const other = '+4915160000003';
    const second = await say(ws, other, 'book');
    await botMessages(ws, second.conversationId, 1);
    await say(ws, other, 'nope');
    await botMessages(ws, second.conversationId, 2);
    await say(ws, other, 'still nope');
    expect((await botMessages(ws, second.conversationId, 3))[2].text).toBe('That email still looks wrong, goodbye.');
  });

  it('ends a waiting run on the cancel keyword, and a republish leaves a waiting run on its version', async () => {
    const ws = await createWorkspace(platform.url);
    await gqlOk(platform.url, `mutation { updateBotSettings(input: { flowCancelKeyword: "quit" }) { flowCancelKeyword } }`, {}, ws.token);
    const flowId = await publishedFlow(ws, bookingFlow(hookUrl));
    const phone = '+4915160000004';
    const { conversationId } = await say(ws, phone, 'book');
    await botMessages(ws, conversationId, 1);
    await runOf(conversationId, 'WAITING');

    // Version 2 asks differently; the waiting run keeps version 1.
    const v2 = bookingFlow(hookUrl);
    (v2.nodes[2].data as { text: string }).text = 'V2 confirm {{email}}?';
    await gqlOk(platform.url, `mutation($id: ID!, $d: JSON) { updateFlow(id: $id, definition: $d) { id } }`, { id: flowId, d: v2 }, ws.token);
    const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version } }`, { id: flowId }, ws.token);
    expect(publishFlow.version).toBe(2);
    await say(ws, phone, 'ada@example.com');
    expect((await botMessages(ws, conversationId, 2))[1].text).toBe('Book a table for ada@example.com?');

    await say(ws, phone, 'QUIT');
    const run = await runOf(conversationId, 'CANCELLED');
    expect(run).toMatchObject({ version: 1, current_node_id: 'confirm' });
    const { flowStats } = await gqlOk(platform.url, `query($id: ID!) { flowStats(flowId: $id) { nodeId dropped } }`, { id: flowId }, ws.token);
    expect(flowStats.find((s: any) => s.nodeId === 'confirm')).toEqual({ nodeId: 'confirm', dropped: 1 });

    // A new run starts on version 2.
    await say(ws, phone, 'book again');
    await botMessages(ws, conversationId, 3);
    await say(ws, phone, 'ada@example.com');
    expect((await botMessages(ws, conversationId, 4))[3].text).toBe('V2 confirm ada@example.com?');
    const { flowRuns } = await gqlOk(platform.url, `query($id: ID!) { flowRuns(flowId: $id) { status version } }`, { id: flowId }, ws.token);
    expect(flowRuns).toEqual([{ status: 'WAITING', version: 2 }, { status: 'CANCELLED', version: 1 }]);
  });

  it('starts a flow from the API and cancels it from the API', async () => {
    const ws = await createWorkspace(platform.url);
    const flowId = await publishedFlow(ws, bookingFlow(hookUrl));
    const phone = '+4915160000005';
    const { conversationId } = await say(ws, phone, 'hello');
    await botMessages(ws, conversationId, 1);
    const live = subscribe(platform.url, `subscription($f: ID) { flowRunUpdated(flowId: $f) { id status currentNodeId } }`, { f: flowId }, ws.token);
    await live.ready;
    const { startFlow } = await gqlOk(platform.url, `mutation($f: ID!, $c: ID!) { startFlow(flowId: $f, conversationId: $c) { id status version } }`, { f: flowId, c: conversationId }, ws.token);
    expect(startFlow).toMatchObject({ status: 'RUNNING', version: 1 });
    expect((await botMessages(ws, conversationId, 2))[1].text).toBe('What is your email, Ada?');
    await runOf(conversationId, 'WAITING');
    const { cancelFlowRun } = await gqlOk(platform.url, `mutation($id: ID!) { cancelFlowRun(id: $id) { id status } }`, { id: startFlow.id }, ws.token);
    expect(cancelFlowRun).toEqual({ id: startFlow.id, status: 'CANCELLED' });
    // The runs list hears each change of status live.
    await waitFor('the CANCELLED event', async () => live.events.some((e: any) => e.flowRunUpdated.status === 'CANCELLED'));
    live.close();
    const statuses = live.events.map((e: any) => e.flowRunUpdated.status).filter((s: string, i: number, all: string[]) => s !== all[i - 1]);
    expect(statuses[0]).toBe('RUNNING');
    expect(statuses).toContain('WAITING');
    expect(statuses.at(-1)).toBe('CANCELLED');
    expect(live.events.every((e: any) => e.flowRunUpdated.id === startFlow.id)).toBe(true);
    // The conversation heard the run ended: the next message routes as before.
    await say(ws, phone, 'ada@example.com');
    expect((await botMessages(ws, conversationId, 3))[2].text).toBe("Thanks for your message! We'll get back to you shortly.");
  });

  it("a run's end reaches its conversation by the child's completion, and after the conversation continued as new the trigger still starts the next run", async () => {
    const ws = await createWorkspace(platform.url);
    const nap = {
      nodes: [node('start', 'trigger', { on: 'keyword', keywords: ['nap'], matchType: 'EXACT' }), node('wait', 'delay', { seconds: 3600 }), node('awake', 'message', { text: 'Awake!' }), node('end', 'end', {})],
      edges: [edge('start', 'wait'), edge('wait', 'awake'), edge('awake', 'end')],
    };
    await publishedFlow(ws, nap, 'Nap');
    const phone = '+4915160000007';
    const cancel = (id: string) => gqlOk(platform.url, `mutation($id: ID!) { cancelFlowRun(id: $id) { status } }`, { id }, ws.token);
    const { conversationId } = await say(ws, phone, 'nap');
    const first = await runOf(conversationId, 'WAITING');
    const [{ workflow_id }] = await query<{ workflow_id: string }>(platform.databaseUrl, 'select workflow_id from conversations where id = $1', [conversationId]);
    const conversation = temporal.workflow.getHandle(workflow_id);
    expect((await conversation.query(stateQuery)).flow).toMatchObject({ flowRunId: first.id });

    // Ended by the API: the conversation run that started it hears of it from the child's completion.
    await cancel(first.id);
    await waitFor('the conversation to let the run go', async () => (await conversation.query(stateQuery)).flow === null);
    await say(ws, phone, 'nap');
    const second = await waitFor('a second run', async () => (await db.query(`select id from flow_runs where conversation_id = $1 and status = 'WAITING' and id <> $2`, [conversationId, first.id])).rows[0]);

    // A hundred messages later the conversation runs on in a new run, which did not start the flow run.
    const before = (await conversation.describe()).runId;
    for (let i = 0; i < 100; i++) await say(ws, phone, `hello ${i}`);
    await waitFor('the conversation to continue as new', async () => (await conversation.describe()).runId !== before);
    await cancel(second.id);
    await runOf(conversationId, 'CANCELLED');
    await say(ws, phone, 'nap');
    await waitFor('a third run', async () => (await db.query(`select id from flow_runs where conversation_id = $1 and status = 'WAITING' and id not in ($2, $3)`, [conversationId, first.id, second.id])).rows[0]);
  });

  it('pauses a waiting run while an agent has the conversation: their messages are not answers, and after the release the next one is', async () => {
    const ws = await createWorkspace(platform.url);
    await publishedFlow(ws, bookingFlow(hookUrl));
    const phone = '+4915160000006';
    const { conversationId } = await say(ws, phone, 'book');
    await botMessages(ws, conversationId, 1);
    await runOf(conversationId, 'WAITING');
    await gqlOk(platform.url, `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`, { id: conversationId }, ws.token);
    const [{ workflow_id }] = await query<{ workflow_id: string }>(platform.databaseUrl, 'select workflow_id from conversations where id = $1', [conversationId]);
    const conversation = temporal.workflow.getHandle(workflow_id);
    const handled = (await conversation.query(stateQuery)).handled;
    await say(ws, phone, 'ada@example.com');
    // The conversation's handling of it is the barrier: left to the agent, not the run's answer.
    await waitFor('the message handled in human mode', async () => {
      const state = await conversation.query(stateQuery);
      return state.handled > handled && state.queue.length === 0 && state;
    });
    await gqlOk(platform.url, `mutation($id: ID!) { release(conversationId: $id) { mode } }`, { id: conversationId }, ws.token);
    const run = await runOf(conversationId, 'WAITING');
    expect(run.variables).toEqual({});
    await say(ws, phone, 'bob@example.com');
    expect((await botMessages(ws, conversationId, 2))[1].text).toBe('Book a table for bob@example.com?');
  });
});

describe('the flow templates', () => {
  async function template(ws: TestWorkspace, id: string, urls: Record<string, string> = {}): Promise<string> {
    const { importFlowTemplate } = await gqlOk(platform.url, `mutation($t: ID!) { importFlowTemplate(templateId: $t) { id draft } }`, { t: id }, ws.token);
    const draft = importFlowTemplate.draft;
    for (const n of draft.nodes) if (urls[n.id]) n.data.url = urls[n.id];
    await gqlOk(platform.url, `mutation($id: ID!, $d: JSON) { updateFlow(id: $id, definition: $d) { id } }`, { id: importFlowTemplate.id, d: draft }, ws.token);
    const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { problems { message } } }`, { id: importFlowTemplate.id }, ws.token);
    expect(publishFlow.problems).toEqual([]);
    return importFlowTemplate.id;
  }
  const labelsOf = async (conversationId: string) =>
    (await db.query(`select l.name from conversations c join contact_labels cl on cl.contact_id = c.contact_id join labels l on l.id = cl.label_id where c.id = $1`, [conversationId])).rows.map((r) => r.name);

  it('booking assistant: date, time, name, confirm, tagged "booked"', async () => {
    const ws = await createWorkspace(platform.url);
    await template(ws, 'booking-assistant');
    const phone = '+4915160000101';
    const { conversationId } = await say(ws, phone, 'I need an appointment');
    expect((await botMessages(ws, conversationId, 1))[0].text).toContain('Hi Ada! Which day');
    await say(ws, phone, '24/12/2026');
    expect((await botMessages(ws, conversationId, 2))[1].text).toBe('What time suits you on 2026-12-24? (e.g. 14:30)');
    await say(ws, phone, '14:30');
    await botMessages(ws, conversationId, 3);
    await say(ws, phone, 'Ada Lovelace');
    const confirm = (await botMessages(ws, conversationId, 4))[3];
    expect(confirm.text).toBe('Ada Lovelace, 2026-12-24 at 14:30. Shall I confirm this booking?');
    expect(confirm.buttons?.map((b) => b.id)).toEqual(['yes', 'no']);
    await say(ws, phone, 'Yes, confirm', { id: 'yes', title: 'Yes, confirm' });
    expect((await botMessages(ws, conversationId, 5))[4].text).toBe("You're booked, Ada Lovelace! See you on 2026-12-24 at 14:30. Reply here if anything changes.");
    await runOf(conversationId, 'COMPLETED');
    expect(await labelsOf(conversationId)).toEqual(['booked']);
  });

  it('order tracking: the order number, the lookup webhook, the answer', async () => {
    const ws = await createWorkspace(platform.url);
    await template(ws, 'order-tracking', { lookup: `${hookUrl}/orders/{{order}}` });
    const phone = '+4915160000102';
    const { conversationId } = await say(ws, phone, 'where is my order?');
    await botMessages(ws, conversationId, 1);
    await say(ws, phone, 'A-10234');
    expect((await botMessages(ws, conversationId, 2))[1].text).toBe('Order A-10234: shipped. Anything else? Just ask.');
    expect(received.at(-1)?.path).toBe('/orders/A-10234');
  });

  it('FAQ bot: with AI off the AI node takes its error branch and hands over to a person', async () => {
    const ws = await createWorkspace(platform.url);
    await template(ws, 'faq-bot');
    const phone = '+4915160000103';
    const { conversationId } = await say(ws, phone, 'Do you ship to Spain?');
    const run = await runOf(conversationId, 'COMPLETED');
    expect(run.variables.aiError).toBe("AI replies are off for this workspace (Settings → AI), so the AI node can't answer");
    const conversation = await waitFor('human mode', async () => {
      const { conversation: c } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { mode handoverReason } }`, { id: conversationId }, ws.token);
      return c.mode === 'HUMAN' && c;
    });
    expect(conversation.handoverReason).toBe('The FAQ bot was unsure or the customer asked for a person.');
  });

  it('lead qualification: questions, a list to choose from, tagged "lead", posted to the CRM', async () => {
    const ws = await createWorkspace(platform.url);
    await template(ws, 'lead-qualification', { 'to-crm': `${hookUrl}/leads` });
    const phone = '+4915160000104';
    const { conversationId } = await say(ws, phone, 'what is your pricing?');
    await botMessages(ws, conversationId, 1);
    await say(ws, phone, 'Grace');
    await botMessages(ws, conversationId, 2);
    await say(ws, phone, 'grace@example.com');
    await botMessages(ws, conversationId, 3);
    const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { messages { senderType list { button rows { id title } } } } }`, { id: conversationId }, ws.token);
    const list = conversation.messages.filter((m: any) => m.senderType === 'BOT')[2].list;
    expect(list).toEqual({ button: 'Choose', rows: [{ id: 'choice:0', title: '1-10' }, { id: 'choice:1', title: '11-50' }, { id: 'choice:2', title: '51-200' }, { id: 'choice:3', title: '200+' }] });
    const { simulateInbound } = await gqlOk(platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { type } }`, { i: { channelId: ws.channelId, from: phone, text: '11-50', type: 'LIST_REPLY', reply: { id: 'choice:1', title: '11-50' } } }, ws.token);
    expect(simulateInbound.type).toBe('LIST_REPLY');
    expect((await botMessages(ws, conversationId, 4))[3].text).toBe('Thanks Grace! Someone from our team will reach out at grace@example.com within one business day.');
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ name: 'Grace', email: 'grace@example.com' });
    expect(await labelsOf(conversationId)).toEqual(['lead']);
    expect((await runOf(conversationId, 'COMPLETED')).variables).toMatchObject({ companySize: '11-50' });
  });
});
