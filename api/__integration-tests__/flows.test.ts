/**
 * Flows through the API (issue 11): drafts saved and published as versions, an invalid draft
 * refused with its problems while the previous version stays live, export and import, templates,
 * and what other workspaces and roles may not do. No worker: the api runs in this process.
 */
import { gql, gqlOk, createWorkspace, query, type TestWorkspace } from '../../test/support/platform';
import { testApp } from '../../test/support/app';

const api = testApp();
const FLOW = 'id name status publishedVersion draft priority triggerSummary problems { nodeId message }';
const CREATE = `mutation($i: CreateFlowInput!) { createFlow(input: $i) { ${FLOW} } }`;
const UPDATE = `mutation($id: ID!, $d: JSON, $name: String, $priority: Int) { updateFlow(id: $id, definition: $d, name: $name, priority: $priority) { ${FLOW} } }`;
const PUBLISH = `mutation($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } flow { status publishedVersion } } }`;
const READ = `query($id: ID!) { flow(id: $id) { ${FLOW} } }`;

const at = { x: 0, y: 0 };
/** keyword "book" → a greeting → end. */
const greeting = (text = 'Hello {{contact.name}}!') => ({
  nodes: [
    { id: 'start', type: 'trigger', data: { on: 'keyword', keywords: ['book'], matchType: 'EXACT' }, position: at },
    { id: 'hello', type: 'message', data: { text }, position: { x: 0, y: 100 } },
    { id: 'done', type: 'end', data: {}, position: { x: 0, y: 200 } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'hello' },
    { id: 'e2', source: 'hello', target: 'done' },
  ],
});

let shop: TestWorkspace;
let other: TestWorkspace;

beforeAll(async () => {
  [shop, other] = await Promise.all([createWorkspace(api), createWorkspace(api)]);
});

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code);
const settingsVersion = async (workspaceId: string) =>
  Number((await query<{ v: string }>(api.databaseUrl, 'select settings_version::text as v from workspaces where id = $1', [workspaceId]))[0].v);

async function createFlow(ws: TestWorkspace, name: string, definition: object) {
  return (await gqlOk(api, CREATE, { i: { name, definition } }, ws.token)).createFlow;
}

describe('drafts and versions', () => {
  it('creates a draft, saves it, refuses an invalid publish with node ids and keeps the live version, then publishes versions 1 and 2', async () => {
    const created = await createFlow(shop, 'Booking', greeting());
    expect(created).toMatchObject({ name: 'Booking', status: 'DRAFT', publishedVersion: null, priority: 0, triggerSummary: 'keyword: book', problems: [] });
    expect(created.draft).toEqual(greeting());

    const before = await settingsVersion(shop.workspaceId);
    const first = (await gqlOk(api, PUBLISH, { id: created.id }, shop.token)).publishFlow;
    expect(first).toEqual({ version: 1, problems: [], flow: { status: 'PUBLISHED', publishedVersion: 1 } });
    // Running conversations read the workspace's flows again from their next message.
    expect(await settingsVersion(shop.workspaceId)).toBeGreaterThan(before);

    // Saving a draft changes no live version and leaves the conversations' settings alone.
    const broken = greeting();
    broken.edges.push({ id: 'e3', source: 'hello', target: 'nowhere' });
    const savedAt = await settingsVersion(shop.workspaceId);
    const updated = (await gqlOk(api, UPDATE, { id: created.id, d: broken, name: 'Booking v2' }, shop.token)).updateFlow;
    expect(updated).toMatchObject({ name: 'Booking v2', status: 'PUBLISHED', publishedVersion: 1 });
    expect(updated.problems).toContainEqual({ nodeId: 'hello', message: expect.stringContaining('nowhere') });
    expect(await settingsVersion(shop.workspaceId)).toBe(savedAt);

    const refused = (await gqlOk(api, PUBLISH, { id: created.id }, shop.token)).publishFlow;
    expect(refused.version).toBe(1);
    expect(refused.problems).toContainEqual({ nodeId: 'hello', message: expect.stringContaining('nowhere') });
    expect(refused.flow).toEqual({ status: 'PUBLISHED', publishedVersion: 1 });
    const versions = await query(api.databaseUrl, 'select version, definition, trigger_on from flow_versions where flow_id = $1 order by version', [created.id]);
    expect(versions).toEqual([{ version: 1, definition: greeting(), trigger_on: 'keyword' }]);

    await gqlOk(api, UPDATE, { id: created.id, d: greeting('Hi again {{contact.name}}') }, shop.token);
    const second = (await gqlOk(api, PUBLISH, { id: created.id }, shop.token)).publishFlow;
    expect(second).toEqual({ version: 2, problems: [], flow: { status: 'PUBLISHED', publishedVersion: 2 } });
    const snapshots = await query(api.databaseUrl, `select version, definition->'nodes'->1->'data'->>'text' as text from flow_versions where flow_id = $1 order by version`, [created.id]);
    expect(snapshots).toEqual([
      { version: 1, text: 'Hello {{contact.name}}!' },
      { version: 2, text: 'Hi again {{contact.name}}' },
    ]);
  });

  it('reports every problem of an invalid draft on its node, and publishes nothing', async () => {
    const draft = {
      nodes: [
        { id: 'start', type: 'trigger', data: { on: 'keyword', keywords: ['(?:\\w+\\s*){1,1000}$'], matchType: 'REGEX' }, position: at },
        { id: 'ask', type: 'question', data: { text: 'Email?', input: 'email' }, position: at },
        { id: 'say', type: 'message', data: { text: 'Order {{order}}', buttons: [{ id: 'ok', title: 'OK' }] }, position: at },
        { id: 'wait', type: 'delay', data: { seconds: 31 * 86_400 }, position: at },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'ask' },
        { id: 'e2', source: 'ask', target: 'say' },
        { id: 'e3', source: 'say', target: 'ask', sourceHandle: 'nope' },
      ],
    };
    const flow = await createFlow(shop, 'Broken', draft);
    const { publishFlow } = await gqlOk(api, PUBLISH, { id: flow.id }, shop.token);
    expect(publishFlow.version).toBeNull();
    expect(publishFlow.flow).toEqual({ status: 'DRAFT', publishedVersion: null });
    const on = (nodeId: string) => publishFlow.problems.filter((p: { nodeId: string }) => p.nodeId === nodeId).map((p: { message: string }) => p.message);
    expect(on('start')).toEqual([expect.stringMatching(/is too complex to match safely/)]);
    expect(on('ask')).toEqual(['saveAs: needs the name of the variable to save into']);
    expect(on('say')).toEqual(['an edge leaves by "nope", which is not a branch of this message node', 'no edge leaves this message node: connect it to the next step, or to an end', expect.stringMatching(/^uses \{\{order\}\}/)]);
    expect(on('wait')).toEqual(['no edge leads to this node: a run can never reach it', 'no edge leaves this delay node: connect it to the next step, or to an end', 'a delay needs a whole number of seconds, from 1 second to 30 days']);
    expect(await query(api.databaseUrl, 'select 1 from flow_versions where flow_id = $1', [flow.id])).toEqual([]);
  });

  it('refuses a malformed or oversized definition with the field at fault', async () => {
    const unknownType = await gql(api, CREATE, { i: { name: 'X', definition: { nodes: [{ id: 'a', type: 'teleport', data: {}, position: at }], edges: [] } } }, shop.token);
    expect(codes(unknownType)).toEqual(['BAD_USER_INPUT']);
    expect(unknownType.errors![0].message).toMatch(/^definition\.nodes\.0\.type/);
    const huge = { nodes: [{ id: 'a', type: 'message', data: { text: 'x'.repeat(300 * 1024) }, position: at }], edges: [] };
    const tooBig = await gql(api, CREATE, { i: { name: 'X', definition: huge } }, shop.token);
    expect(tooBig.errors![0].message).toBe('definition: is larger than 256 KB');
    const many = { nodes: Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, type: 'end', data: {}, position: at })), edges: [] };
    expect((await gql(api, CREATE, { i: { name: 'X', definition: many } }, shop.token)).errors![0].message).toBe('definition.nodes: a flow has at most 500 nodes');
    expect(codes(await gql(api, CREATE, { i: { name: '  ', definition: greeting() } }, shop.token))).toEqual(['BAD_USER_INPUT']);
  });

  it('lists flows by priority, and deleting one removes it from reads and moves the settings version', async () => {
    const low = await createFlow(shop, 'Low', greeting());
    const high = await createFlow(shop, 'High', greeting());
    await gqlOk(api, UPDATE, { id: high.id, priority: 10 }, shop.token);
    const { flows } = await gqlOk(api, `{ flows { id name priority } }`, {}, shop.token);
    expect(flows[0]).toEqual({ id: high.id, name: 'High', priority: 10 });
    expect(flows.map((f: { id: string }) => f.id)).toContain(low.id);

    const before = await settingsVersion(shop.workspaceId);
    expect((await gqlOk(api, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: low.id }, shop.token)).deleteFlow).toBe(true);
    expect(await settingsVersion(shop.workspaceId)).toBeGreaterThan(before);
    expect(codes(await gql(api, READ, { id: low.id }, shop.token))).toEqual(['NOT_FOUND']);
    expect((await gqlOk(api, `{ flows { id } }`, {}, shop.token)).flows.map((f: { id: string }) => f.id)).not.toContain(low.id);
    expect(codes(await gql(api, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: low.id }, shop.token))).toEqual(['NOT_FOUND']);
  });
});

describe('export, import, stats and runs', () => {
  it('round-trips a flow through exportFlow and importFlow unchanged', async () => {
    const original = await createFlow(shop, 'Original', greeting());
    const { exportFlow } = await gqlOk(api, `query($id: ID!) { exportFlow(id: $id) }`, { id: original.id }, shop.token);
    expect(exportFlow).toEqual(greeting());
    // Another workspace imports the exported JSON as is.
    const { importFlow } = await gqlOk(api, `mutation($n: String!, $d: JSON!) { importFlow(name: $n, definition: $d) { ${FLOW} } }`, { n: 'Copy', d: exportFlow }, other.token);
    expect(importFlow).toMatchObject({ name: 'Copy', status: 'DRAFT', publishedVersion: null });
    expect(importFlow.id).not.toBe(original.id);
    expect(importFlow.draft).toEqual(exportFlow);
  });

  it('has empty stats and no runs for a new flow', async () => {
    const flow = await createFlow(shop, 'Fresh', greeting());
    expect((await gqlOk(api, `query($id: ID!) { flowStats(flowId: $id) { nodeId entered completed dropped } }`, { id: flow.id }, shop.token)).flowStats).toEqual([]);
    const runs = `query($id: ID!, $s: FlowRunStatus) { flowRuns(flowId: $id, status: $s) { id status version currentNodeId variables error temporalUrl startedAt endedAt } }`;
    expect((await gqlOk(api, runs, { id: flow.id }, shop.token)).flowRuns).toEqual([]);
    expect((await gqlOk(api, runs, { id: flow.id, s: 'WAITING' }, shop.token)).flowRuns).toEqual([]);
  });
});

describe('the regex budget', () => {
  it("counts a live flow's REGEX trigger keywords with the workspace's REGEX keyword rules", async () => {
    const ws = await createWorkspace(api);
    const heavy = Array.from({ length: 6 }, () => '(?:\\w+\\s*){1,180}$'); // 6 × 902 steps
    const regexFlow = () => {
      const def = greeting();
      def.nodes[0].data = { on: 'keyword', keywords: heavy, matchType: 'REGEX' };
      return def;
    };
    const first = await createFlow(ws, 'First', regexFlow());
    expect((await gqlOk(api, PUBLISH, { id: first.id }, ws.token)).publishFlow).toMatchObject({ version: 1, problems: [] });

    const rule = await gql(api, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: { keywords: heavy, matchType: 'REGEX', reply: 'x' } }, ws.token);
    expect(rule.errors?.[0].message).toBe("keywords: the workspace's regular expressions would take 10824 steps per message together, at most 10000: simplify or remove some");

    const second = await createFlow(ws, 'Second', regexFlow());
    const refused = (await gqlOk(api, PUBLISH, { id: second.id }, ws.token)).publishFlow;
    expect(refused).toMatchObject({ version: null, flow: { status: 'DRAFT' } });
    expect(refused.problems).toEqual([{ nodeId: 'start', message: expect.stringMatching(/^the workspace's regular expressions \(keyword rules and live flow triggers\) would take 10824 steps/) }]);

    // Republishing the same flow replaces its own live trigger rather than adding to it; deleting it frees the budget.
    expect((await gqlOk(api, PUBLISH, { id: first.id }, ws.token)).publishFlow).toMatchObject({ version: 2, problems: [] });
    await gqlOk(api, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: first.id }, ws.token);
    expect((await gqlOk(api, PUBLISH, { id: second.id }, ws.token)).publishFlow).toMatchObject({ version: 1, problems: [] });
  });
});

describe('templates', () => {
  it('lists the four templates and imports each in one click as a draft that publishes without problems', async () => {
    const { flowTemplates } = await gqlOk(api, `{ flowTemplates { id name description definition } }`, {}, shop.token);
    expect(flowTemplates.map((t: { id: string }) => t.id)).toEqual(['booking-assistant', 'order-tracking', 'faq-bot', 'lead-qualification']);
    for (const template of flowTemplates) {
      const { importFlowTemplate } = await gqlOk(api, `mutation($t: ID!) { importFlowTemplate(templateId: $t) { ${FLOW} } }`, { t: template.id }, shop.token);
      expect(importFlowTemplate).toMatchObject({ name: template.name, status: 'DRAFT', problems: [] });
      expect(importFlowTemplate.draft).toEqual(template.definition);
      expect((await gqlOk(api, PUBLISH, { id: importFlowTemplate.id }, shop.token)).publishFlow).toMatchObject({ version: 1, problems: [] });
    }
    const named = await gqlOk(api, `mutation($t: ID!, $n: String) { importFlowTemplate(templateId: $t, name: $n) { name } }`, { t: 'faq-bot', n: 'Support FAQ' }, shop.token);
    expect(named.importFlowTemplate.name).toBe('Support FAQ');
    expect(codes(await gql(api, `mutation { importFlowTemplate(templateId: "nope") { id } }`, {}, shop.token))).toEqual(['NOT_FOUND']);
  });
});

describe('tenants and roles', () => {
  it("never lets another workspace read, change, publish, export or delete a flow", async () => {
    const flow = await createFlow(shop, 'Private', greeting());
    const tries = [
      gql(api, READ, { id: flow.id }, other.token),
      gql(api, UPDATE, { id: flow.id, d: greeting('mine now') }, other.token),
      gql(api, PUBLISH, { id: flow.id }, other.token),
      gql(api, `query($id: ID!) { exportFlow(id: $id) }`, { id: flow.id }, other.token),
      gql(api, `query($id: ID!) { flowStats(flowId: $id) { nodeId } }`, { id: flow.id }, other.token),
      gql(api, `query($id: ID!) { flowRuns(flowId: $id) { id } }`, { id: flow.id }, other.token),
      gql(api, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: flow.id }, other.token),
    ];
    for (const result of await Promise.all(tries)) expect(codes(result)).toEqual(['NOT_FOUND']);
    expect((await gqlOk(api, `{ flows { id } }`, {}, other.token)).flows.map((f: { id: string }) => f.id)).not.toContain(flow.id);
    const mine = (await gqlOk(api, READ, { id: flow.id }, shop.token)).flow;
    expect(mine).toMatchObject({ name: 'Private', status: 'DRAFT', draft: greeting() });
  });

  it('lets a viewer read flows but not create, change, publish or delete them', async () => {
    const flow = await createFlow(shop, 'Team', greeting());
    const email = `viewer-${flow.id.slice(0, 8)}@example.com`;
    await gqlOk(api, `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`, { i: { email, name: 'Viewer', password: 'viewer password', role: 'VIEWER' } }, shop.token);
    const { signIn } = await gqlOk(api, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email, password: 'viewer password' } });
    const viewer = signIn.accessToken as string;

    expect((await gqlOk(api, READ, { id: flow.id }, viewer)).flow.name).toBe('Team');
    const refused = [
      gql(api, PUBLISH, { id: flow.id }, viewer),
      gql(api, UPDATE, { id: flow.id, d: greeting('changed') }, viewer),
      gql(api, CREATE, { i: { name: 'Mine', definition: greeting() } }, viewer),
      gql(api, `mutation($id: ID!) { deleteFlow(id: $id) }`, { id: flow.id }, viewer),
    ];
    for (const result of await Promise.all(refused)) expect(codes(result)).toEqual(['FORBIDDEN']);
    expect((await gqlOk(api, READ, { id: flow.id }, shop.token)).flow).toMatchObject({ status: 'DRAFT', publishedVersion: null, draft: greeting() });
  });
});
