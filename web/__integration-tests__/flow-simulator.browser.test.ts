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
