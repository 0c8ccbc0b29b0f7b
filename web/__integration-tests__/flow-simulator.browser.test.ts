import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';

jest.setTimeout(120_000);

const suite = browserSuite();
let page: Page;

const node = (id: string, type: string, data: object) => ({ id, type, data, position: { x: 0, y: 0 } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${sourceHandle ?? 'next'}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

test("the simulator phone shows a flow's buttons and list, and a tap takes its branch", async () => {
  await suite.run('flow-simulator', buttonsAndList);
});

async function buttonsAndList(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const definition = {
    nodes: [
      node('start', 'trigger', { on: 'keyword', keywords: ['menu'], matchType: 'EXACT' }),
      node('pick', 'message', { text: 'Pizza or pasta?', buttons: [{ id: 'pizza', title: 'Pizza' }, { id: 'pasta', title: 'Pasta' }] }),
      node('pizza', 'message', { text: 'Pizza it is.' }),
      node('size', 'question', { text: 'Which size?', input: 'choice', choices: ['Small', 'Medium', 'Large', 'Family'], saveAs: 'size' }),
      node('done', 'message', { text: 'Pasta, {{size}}. Coming up!' }),
      node('end', 'end', {}),
    ],
    edges: [edge('start', 'pick'), edge('pick', 'pizza', 'pizza'), edge('pick', 'size', 'pasta'), edge('pizza', 'end'), edge('size', 'done'), edge('done', 'end')],
  };
  const { createFlow } = await gqlOk(suite.platform.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name: 'Menu', definition } }, workspace.token);
  await gqlOk(suite.platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version } }`, { id: createFlow.id }, workspace.token);

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('phone-panel').waitFor();
  await page.getByTestId('phone-number').fill('+4915190000001');
  await page.getByTestId('phone-number').press('Tab');
  await page.getByTestId('phone-input').fill('menu');
  await page.getByTestId('phone-send').click();

  const buttons = page.getByTestId('phone-button');
  await buttons.first().waitFor();
  expect(await buttons.allInnerTexts()).toEqual(['Pizza', 'Pasta']);
  await suite.screenshot(page, 'flow-buttons');
  await buttons.filter({ hasText: 'Pasta' }).click();
  await page.locator('[data-testid="phone-bubble"][data-direction="INBOUND"]', { hasText: 'Pasta' }).waitFor();

  await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: 'Which size?' }).waitFor();
  await page.getByTestId('phone-list-button').click();
  const rows = page.getByTestId('phone-list-row');
  expect(await rows.allInnerTexts()).toEqual(['Small', 'Medium', 'Large', 'Family']);
  await suite.screenshot(page, 'flow-list');
  await rows.filter({ hasText: 'Large' }).click();
  await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: 'Pasta, Large. Coming up!' }).waitFor();
  expect(await page.getByTestId('phone-error').count()).toBe(0);
}

test("the builder's simulator starts the open flow in the phone's chat with Start now (an api trigger)", async () => {
  await suite.run('flow-simulator-start-now', startNow);
});

async function startNow(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const definition = {
    nodes: [node('start', 'trigger', { on: 'api' }), node('hi', 'message', { text: 'Started from the builder, {{contact.name}}.' }), node('end', 'end', {})],
    edges: [edge('start', 'hi'), edge('hi', 'end')],
  };
  const { createFlow } = await gqlOk(suite.platform.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name: 'Manual', definition } }, workspace.token);
  await gqlOk(suite.platform.url, `mutation($id: ID!) { publishFlow(id: $id) { version } }`, { id: createFlow.id }, workspace.token);

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('phone-panel').waitFor();
  await page.goto(`${suite.platform.url}/flows/${createFlow.id}`);
  await page.getByTestId('builder-test').click();
  const simulator = page.getByTestId('builder-simulator');
  await simulator.getByTestId('phone-panel').waitFor();
  const start = simulator.getByTestId('builder-start-now');
  // No chat for this phone yet: nothing to start the flow in.
  expect(await start.isDisabled()).toBe(true);
  await simulator.getByTestId('phone-number').fill('+4915190000002');
  await simulator.getByTestId('phone-number').press('Tab');
  await simulator.getByTestId('phone-input').fill('hello');
  await simulator.getByTestId('phone-send').click();
  await simulator.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]').first().waitFor();

  await page.waitForFunction(() => !(document.querySelector('[data-testid="builder-start-now"]') as HTMLButtonElement | null)?.disabled);
  await start.click();
  await simulator.getByTestId('builder-start-result').filter({ hasText: 'Started v1' }).waitFor();
  await simulator.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: 'Started from the builder, ' }).waitFor();
  const runs = await gqlOk(suite.platform.url, `query($id: ID!) { flowRuns(flowId: $id) { status } }`, { id: createFlow.id }, workspace.token);
  expect(runs.flowRuns).toHaveLength(1);

  await suite.screenshot(page, 'flow-start-now');
}
