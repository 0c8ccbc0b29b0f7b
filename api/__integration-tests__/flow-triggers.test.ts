/**
 * The flow triggers that do not come from the contact's own message (issue 11): `label_added`
 * (addLabels, a flow's tag node) and `schedule` (a Temporal Schedule per published flow); and how
 * a run's delay and the stop words share the conversation with routing; the AI node's own prompt and
 * knowledge base. Real Parley (api + worker + connector), Postgres and Temporal; only the LLM vendor
 * is faked, by a wire-compatible server.
 */
import pg from 'pg';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { TEST_TEMPORAL_ADDRESS, testDataConverter } from '../../test/support/services-env';
import { createWorkspace, gqlOk, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../../test/support/platform';
import { flowScheduleId } from '../../workflows/ids';
import { recordHistories } from '../../workflows/__fixtures__/record-histories';
import { answer, startFakeLlm, type FakeLlm } from '../../test/support/fake-llm-server';
import { ADD_DOCUMENT, createKnowledgeBase, waitForDocument } from '../../test/support/knowledge';

let platform: PlatformProcess;
let temporal: Client;
let connection: Connection;
let db: pg.Client;
let llm: FakeLlm;
let phones = 0;

beforeAll(async () => {
  llm = await startFakeLlm();
  platform = await startPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  temporal = new Client({ connection, dataConverter: testDataConverter() });
});

afterAll(async () => {
  if (process.env.RECORD_HISTORIES) {
    await recordHistories(temporal, 'flow-triggers');
    await recordHistories(temporal, 'flow-trigger-runs', 'flowRunWorkflow');
    await recordHistories(temporal, 'flow-schedules', 'flowScheduleWorkflow');
  }
  await db?.end();
  await connection?.close();
  await platform?.stop();
  await llm?.close();
});

const DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";
const phone = () => `+49151${String(8100000 + ++phones)}`;
const node = (id: string, type: string, data: object) => ({ id, type, data, position: { x: 0, y: 0 } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${sourceHandle ?? 'next'}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

/** trigger → one message per text → end. */
function linearFlow(trigger: object, ...texts: string[]) {
  const nodes = [node('start', 'trigger', trigger), ...texts.map((text, i) => node(`m${i}`, 'message', { text })), node('end', 'end', {})];
  return { nodes, edges: nodes.slice(1).map((n, i) => edge(nodes[i].id, n.id)) };
}

async function createFlow(ws: TestWorkspace, definition: object, name = 'Flow'): Promise<string> {
  const { createFlow } = await gqlOk(platform.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name, definition } }, ws.token);
  return createFlow.id;
}

async function publish(ws: TestWorkspace, flowId: string): Promise<void> {
  const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } } }`, { id: flowId }, ws.token);
  expect(publishFlow.problems).toEqual([]);
}

async function publishedFlow(ws: TestWorkspace, definition: object, name = 'Flow'): Promise<string> {
  const id = await createFlow(ws, definition, name);
  await publish(ws, id);
  return id;
}

async function say(ws: TestWorkspace, from: string, text: string, channelId = ws.channelId): Promise<{ id: string; conversationId: string }> {
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
    { i: { channelId, from, text, name: 'Ada' } },
    ws.token,
  );
  return simulateInbound;
}

/** The bot's texts once `count` of them are SENT, oldest first. */
async function botTexts(ws: TestWorkspace, conversationId: string, count: number): Promise<string[]> {
  return waitFor(`${count} bot messages`, async () => {
    const { conversation } = await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { messages { senderType status text } } }`, { id: conversationId }, ws.token);
    const bot = conversation.messages.filter((m: any) => m.senderType === 'BOT');
    return bot.length >= count && bot.slice(0, count).every((m: any) => m.status === 'SENT') ? bot.map((m: any) => m.text as string) : null;
  });
}

async function runs(conversationId: string): Promise<{ flow_id: string; status: string; error: string | null; current_node_id: string | null }[]> {
  return (await db.query(`select flow_id, status, error, current_node_id from flow_runs where conversation_id = $1 order by started_at`, [conversationId])).rows;
}

async function contactOf(conversationId: string): Promise<string> {
  return (await db.query(`select contact_id from conversations where id = $1`, [conversationId])).rows[0].contact_id;
}

async function createLabel(ws: TestWorkspace, name: string): Promise<string> {
  const { createLabel } = await gqlOk(platform.url, `mutation($i: CreateLabelInput!) { createLabel(input: $i) { id } }`, { i: { name, color: '#22c55e' } }, ws.token);
  return createLabel.id;
}

async function addLabels(ws: TestWorkspace, contactIds: string[], labelIds: string[]): Promise<number> {
  return (await gqlOk(platform.url, `mutation($c: [ID!]!, $l: [ID!]!) { addLabels(contactIds: $c, labelIds: $l) }`, { c: contactIds, l: labelIds }, ws.token)).addLabels;
}

describe('label_added trigger', () => {
  it("starts the flow in the contact's most recent conversation when the label is put on, once, and never for a contact without it", async () => {
    const ws = await createWorkspace(platform.url);
    const vip = await createLabel(ws, 'VIP');
    const other = await createLabel(ws, 'newsletter');
    const flowId = await publishedFlow(ws, linearFlow({ on: 'label_added', label: 'vip' }, 'Welcome to the VIP club, {{contact.name}}!'));
    const { createChannel } = await gqlOk(platform.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "Second" }) { id } }`, {}, ws.token);

    const from = phone();
    // The contact wrote on the first channel, then on the second: the second conversation is the most recent.
    const older = await say(ws, from, 'hello');
    expect(await botTexts(ws, older.conversationId, 1)).toEqual([DEFAULT_REPLY]);
    const recent = await say(ws, from, 'hello again', createChannel.id);
    expect(await botTexts(ws, recent.conversationId, 1)).toEqual([DEFAULT_REPLY]);
    const contactId = await contactOf(recent.conversationId);
    expect(await contactOf(older.conversationId)).toBe(contactId);

    // Another label starts nothing; the flow's label does.
    expect(await addLabels(ws, [contactId], [other])).toBe(1);
    expect(await addLabels(ws, [contactId], [vip])).toBe(1);
    expect(await botTexts(ws, recent.conversationId, 2)).toEqual([DEFAULT_REPLY, 'Welcome to the VIP club, Ada!']);
    await waitFor('the run to complete', async () => (await runs(recent.conversationId))[0]?.status === 'COMPLETED');

    // The label again (already on) starts nothing: the contact's next message, handled after any start request, is the barrier.
    expect(await addLabels(ws, [contactId], [vip])).toBe(0);
    await say(ws, from, 'thanks', createChannel.id);
    expect(await botTexts(ws, recent.conversationId, 3)).toEqual([DEFAULT_REPLY, 'Welcome to the VIP club, Ada!', DEFAULT_REPLY]);
    expect((await runs(recent.conversationId)).map((r) => [r.flow_id, r.status])).toEqual([[flowId, 'COMPLETED']]);
    expect(await runs(older.conversationId)).toEqual([]);
  });

  it("a flow's tag node puts the label on; the conversation keeps its one run (the label flow does not start inside it)", async () => {
    const ws = await createWorkspace(platform.url);
    await publishedFlow(ws, linearFlow({ on: 'label_added', label: 'member' }, 'Welcome, member!'), 'Welcome');
    const join = {
      nodes: [node('start', 'trigger', { on: 'keyword', keywords: ['join'], matchType: 'EXACT' }), node('tag', 'tag', { add: ['Member'] }), node('ok', 'message', { text: 'You joined.' }), node('end', 'end', {})],
      edges: [edge('start', 'tag'), edge('tag', 'ok'), edge('ok', 'end')],
    };
    const joinFlow = await publishedFlow(ws, join, 'Join');
    const from = phone();
    const { conversationId } = await say(ws, from, 'join');
    expect(await botTexts(ws, conversationId, 1)).toEqual(['You joined.']);
    await waitFor('the join run to complete', async () => (await runs(conversationId))[0]?.status === 'COMPLETED');
    await say(ws, from, 'hi');
    expect(await botTexts(ws, conversationId, 2)).toEqual(['You joined.', DEFAULT_REPLY]);
    expect((await runs(conversationId)).map((r) => r.flow_id)).toEqual([joinFlow]);
    const labels = (await db.query(`select l.name from contact_labels cl join labels l on l.id = cl.label_id where cl.contact_id = $1`, [await contactOf(conversationId)])).rows;
    expect(labels).toEqual([{ name: 'Member' }]);
  });
});

describe('label_added trigger from a CSV import', () => {
  it("the import's labels and a row's labels column start the flow for contacts newly labelled that have a conversation; a label already on starts nothing", async () => {
    const ws = await createWorkspace(platform.url);
    const vip = await createLabel(ws, 'VIP');
    const [ada, bea, dee, cy] = [phone(), phone(), phone(), phone()];
    const conversations: Record<string, string> = {};
    for (const from of [ada, bea, dee]) {
      conversations[from] = (await say(ws, from, 'hello')).conversationId;
      expect(await botTexts(ws, conversations[from], 1)).toEqual([DEFAULT_REPLY]);
    }
    // Bea is a VIP before the flow exists: the import puts nothing new on her.
    expect(await addLabels(ws, [await contactOf(conversations[bea])], [vip])).toBe(1);
    const vipFlow = await publishedFlow(ws, linearFlow({ on: 'label_added', label: 'vip' }, 'Welcome to the VIP club, {{contact.name}}!'), 'VIP');
    // "gold" is no label yet: the import creates it from Dee's row, and its flow starts for her.
    const goldFlow = await publishedFlow(ws, linearFlow({ on: 'label_added', label: 'gold' }, 'You are gold, {{contact.name}}.'), 'Gold');

    const importCsv = async (csv: string, labelIds: string[]) =>
      (await gqlOk(platform.url, `mutation($i: ImportContactsInput!) { importContacts(input: $i) { created updated errorCount } }`, { i: { csv, labelIds } }, ws.token)).importContacts;
    expect(await importCsv(`phone,name\n${ada},Ada Lovelace\n${bea},Bea\n${cy},Cy\n`, [vip])).toEqual({ created: 1, updated: 2, errorCount: 0 });
    expect(await importCsv(`phone,name,labels\n${dee},Dee,Gold\n`, [])).toEqual({ created: 0, updated: 1, errorCount: 0 });

    expect(await botTexts(ws, conversations[ada], 2)).toEqual([DEFAULT_REPLY, 'Welcome to the VIP club, Ada Lovelace!']);
    expect(await botTexts(ws, conversations[dee], 2)).toEqual([DEFAULT_REPLY, 'You are gold, Dee.']);
    expect((await runs(conversations[ada])).map((r) => r.flow_id)).toEqual([vipFlow]);
    expect((await runs(conversations[dee])).map((r) => r.flow_id)).toEqual([goldFlow]);
    // Bea's next message, handled after any start request the import made, is the barrier.
    await say(ws, bea, 'thanks');
    expect(await botTexts(ws, conversations[bea], 2)).toEqual([DEFAULT_REPLY, DEFAULT_REPLY]);
    expect(await runs(conversations[bea])).toEqual([]);
  });
});

describe('schedule trigger', () => {
  it('publishing makes a Temporal Schedule on the cron in the time zone; a firing starts the flow for labelled, subscribed contacts; another trigger or deleting removes it', async () => {
    const ws = await createWorkspace(platform.url);
    await gqlOk(platform.url, `mutation { updateBotSettings(input: { timeZone: "Europe/Berlin" }) { timeZone } }`, {}, ws.token);
    const weekly = await createLabel(ws, 'Weekly');
    const [a, b, c] = [phone(), phone(), phone()];
    const conversations = [];
    for (const from of [a, b, c]) {
      const { conversationId } = await say(ws, from, 'hi');
      expect(await botTexts(ws, conversationId, 1)).toEqual([DEFAULT_REPLY]);
      conversations.push(conversationId);
    }
    const [convA, convB, convC] = conversations;
    // a and c have the label; c opted out (STOP); b has no label.
    expect(await addLabels(ws, [await contactOf(convA), await contactOf(convC)], [weekly])).toBe(2);
    await say(ws, c, 'STOP');
    expect((await botTexts(ws, convC, 2))[1]).toMatch(/unsubscribed/);

    // An invalid cron is a problem on the trigger, and nothing is scheduled.
    const broken = await createFlow(ws, linearFlow({ on: 'schedule', cron: '61 9 * * *' }, 'never'));
    const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } } }`, { id: broken }, ws.token);
    expect(publishFlow).toEqual({ version: null, problems: [{ nodeId: 'start', message: expect.stringContaining('cron: minute "61"') }] });
    await expect(temporal.schedule.getHandle(flowScheduleId(broken)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    const definition = linearFlow({ on: 'schedule', cron: '0 9 * * MON-FRI', label: 'weekly' }, 'Your weekly update, {{contact.name}}.');
    const flowId = await publishedFlow(ws, definition, 'Weekly update');
    const schedule = temporal.schedule.getHandle(flowScheduleId(flowId));
    const described = await schedule.describe();
    expect(described.spec.timezone).toBe('Europe/Berlin');
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 9, end: 9, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }] });
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'flowScheduleWorkflow', args: [{ workspaceId: ws.workspaceId, flowId, version: 1 }] });

    // A firing (now, as the cron would at 9:00) asks only a: b has no label, c opted out.
    await schedule.trigger();
    const firing = await waitFor('the firing', async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId);
    expect(await temporal.workflow.getHandle(firing).result()).toEqual({ requested: 1 });
    expect(await botTexts(ws, convA, 2)).toEqual([DEFAULT_REPLY, 'Your weekly update, Ada.']);
    await waitFor('the run to complete', async () => (await runs(convA))[0]?.status === 'COMPLETED');
    expect((await runs(convA)).map((r) => r.flow_id)).toEqual([flowId]);
    expect(await runs(convB)).toEqual([]);
    expect(await runs(convC)).toEqual([]);

    // Republished with another trigger: no schedule. With the schedule again: back; deleted: gone.
    await gqlOk(platform.url, `mutation($id: ID!, $d: JSON) { updateFlow(id: $id, definition: $d) { id } }`, { id: flowId, d: linearFlow({ on: 'api' }, 'x') }, ws.token);
    await publish(ws, flowId);
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await gqlOk(platform.url, `mutation($id: ID!, $d: JSON) { updateFlow(id: $id, definition: $d) { id } }`, { id: flowId, d: definition }, ws.token);
    await publish(ws, flowId);
    expect((await schedule.describe()).action).toMatchObject({ args: [{ flowId, version: 3 }] });
    await gqlOk(platform.url, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: flowId }, ws.token);
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});

describe('the AI node', () => {
  it("answers with its own prompt (variables filled in) from its own knowledge base only; another workspace's knowledge base does not publish", async () => {
    const ws = await createWorkspace(platform.url);
    const kb = async (name: string, docName: string, text: string) => {
      const id = await createKnowledgeBase(platform.url, ws.token, name);
      const { addDocument } = await gqlOk(platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId: id, name: docName, text } }, ws.token);
      await waitForDocument(platform.databaseUrl, addDocument.id, ['INDEXED']);
      return id;
    };
    const hours = await kb('Hours', 'Opening hours', 'The bakery opens at 7 am on weekdays.');
    await kb('Prices', 'Price list', 'A sourdough loaf costs 4.20 EUR on weekdays.');
    await gqlOk(
      platform.url,
      `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { enabled } }`,
      { i: { enabled: true, providers: [{ kind: 'ANTHROPIC', baseUrl: llm.url, model: 'claude-fake', apiKey: 'sk-ant-secret' }], debounceSeconds: 0 } },
      ws.token,
    );
    llm.requests.length = 0;
    llm.respond(() => answer('We open at 7 am on weekdays.', { confidence: 0.9 }));
    const flow = (knowledgeBaseId: string) => ({
      nodes: [
        node('start', 'trigger', { on: 'keyword', keywords: ['hours'], matchType: 'CONTAINS' }),
        node('ai', 'ai', { prompt: 'Answer {{contact.name}} only about our opening hours.', knowledgeBaseId }),
        node('sorry', 'message', { text: 'Sorry, a colleague will answer.' }),
        node('end', 'end', {}),
      ],
      edges: [edge('start', 'ai'), edge('ai', 'end'), edge('ai', 'sorry', 'error'), edge('sorry', 'end')],
    });
    const other = await createWorkspace(platform.url);
    const foreign = await createKnowledgeBase(platform.url, other.token, 'Theirs');
    const bad = await createFlow(ws, flow(foreign));
    const { publishFlow } = await gqlOk(platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } } }`, { id: bad }, ws.token);
    expect(publishFlow).toEqual({ version: null, problems: [{ nodeId: 'ai', message: 'knowledgeBaseId: no such knowledge base in this workspace' }] });
    await gqlOk(platform.url, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: bad }, ws.token);

    await publishedFlow(ws, flow(hours), 'Hours');
    const { conversationId } = await say(ws, phone(), 'Your hours: when do you open on weekdays, and what does a loaf cost?');
    expect(await botTexts(ws, conversationId, 1)).toEqual(['We open at 7 am on weekdays.']);
    const [request] = llm.chats();
    expect(request.promptText).toContain('Instructions for this step (from the business):\nAnswer Ada only about our opening hours.');
    expect(request.promptText).toContain('(Opening hours) The bakery opens at 7 am on weekdays.');
    // "weekdays" is in both knowledge bases: the node's alone is searched.
    expect(request.promptText).not.toContain('4.20');
    await waitFor('the run to complete', async () => (await runs(conversationId))[0]?.status === 'COMPLETED');
  });
});

describe('a run beside routing', () => {
  it("a message during a run's delay goes through routing (a keyword rule, another flow's keyword, the default reply), and the run goes on after the delay", async () => {
    const ws = await createWorkspace(platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: 'Prices are on our website.' }]);
    const remind = {
      nodes: [
        node('start', 'trigger', { on: 'keyword', keywords: ['remind'], matchType: 'EXACT' }),
        node('ok', 'message', { text: 'I will remind you.' }),
        node('wait', 'delay', { seconds: 12 }),
        node('again', 'message', { text: 'Reminder!' }),
        node('end', 'end', {}),
      ],
      edges: [edge('start', 'ok'), edge('ok', 'wait'), edge('wait', 'again'), edge('again', 'end')],
    };
    const remindFlow = await publishedFlow(ws, remind, 'Remind');
    await publishedFlow(ws, linearFlow({ on: 'keyword', keywords: ['menu'], matchType: 'EXACT' }, 'Here is the menu.'), 'Menu');
    const from = phone();
    const { conversationId } = await say(ws, from, 'remind');
    expect(await botTexts(ws, conversationId, 1)).toEqual(['I will remind you.']);
    await waitFor('the run in its delay', async () => (await runs(conversationId))[0]?.current_node_id === 'wait' && (await runs(conversationId))[0].status === 'WAITING');

    await say(ws, from, 'what is the price?');
    await say(ws, from, 'menu');
    await say(ws, from, 'hello');
    expect(await botTexts(ws, conversationId, 4)).toEqual(['I will remind you.', 'Prices are on our website.', DEFAULT_REPLY, DEFAULT_REPLY]);
    // Those were answered while the run still waited: none went to it, and "menu" started no second run.
    expect((await runs(conversationId)).map((r) => [r.flow_id, r.status, r.current_node_id])).toEqual([[remindFlow, 'WAITING', 'wait']]);

    expect((await botTexts(ws, conversationId, 5))[4]).toBe('Reminder!');
    await waitFor('the run to complete', async () => (await runs(conversationId))[0]?.status === 'COMPLETED');
  });

  it('STOP in a run ends it and opts the contact out, with one reply; another opt-out word ends the run too; the cancel word alone only ends it', async () => {
    const ws = await createWorkspace(platform.url);
    const ask = linearFlow({ on: 'keyword', keywords: ['quiz'], matchType: 'EXACT' });
    ask.nodes.splice(1, 0, node('q', 'question', { text: 'Your favourite colour?', input: 'text', saveAs: 'colour' }));
    ask.nodes.splice(2, 0, node('thanks', 'message', { text: 'Thanks!' }));
    ask.edges = [edge('start', 'q'), edge('q', 'thanks'), edge('thanks', 'end')];
    await publishedFlow(ws, ask, 'Quiz');
    const optedOut = async (conversationId: string) => (await db.query(`select opted_out from contacts where id = $1`, [await contactOf(conversationId)])).rows[0].opted_out;

    for (const word of ['STOP', 'unsubscribe']) {
      const from = phone();
      const { conversationId } = await say(ws, from, 'quiz');
      expect(await botTexts(ws, conversationId, 1)).toEqual(['Your favourite colour?']);
      await say(ws, from, word);
      const cancelled = await waitFor('the run cancelled', async () => (await runs(conversationId)).find((r) => r.status === 'CANCELLED'));
      expect(cancelled.error).toBe(word === 'STOP' ? 'the contact sent the cancel keyword' : 'the contact opted out');
      const texts = await botTexts(ws, conversationId, 2);
      expect(texts[1]).toMatch(/^You're unsubscribed/);
      expect(await optedOut(conversationId)).toBe(true);
      // The next message is no answer to the question (the run is over): the default reply, and nothing else came.
      await say(ws, from, 'blue');
      expect(await botTexts(ws, conversationId, 3)).toEqual(['Your favourite colour?', texts[1], DEFAULT_REPLY]);
    }

    // The workspace's cancel word, not an opt-out word: the run ends, the contact stays subscribed, nothing is answered.
    await gqlOk(platform.url, `mutation { updateBotSettings(input: { flowCancelKeyword: "exit" }) { flowCancelKeyword } }`, {}, ws.token);
    const from = phone();
    const { conversationId } = await say(ws, from, 'quiz');
    expect(await botTexts(ws, conversationId, 1)).toEqual(['Your favourite colour?']);
    await say(ws, from, 'Exit');
    expect((await waitFor('the run cancelled', async () => (await runs(conversationId)).find((r) => r.status === 'CANCELLED'))).error).toBe('the contact sent the cancel keyword');
    await say(ws, from, 'blue');
    expect(await botTexts(ws, conversationId, 2)).toEqual(['Your favourite colour?', DEFAULT_REPLY]);
    expect(await optedOut(conversationId)).toBe(false);
  });
});
