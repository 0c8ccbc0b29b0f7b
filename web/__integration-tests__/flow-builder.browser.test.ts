import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk, query, simulateInbound } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const NEW_ANSWER = 'Your order {{order}} is {{orderStatus}}. Thanks for shopping with us!';

jest.setTimeout(180_000);

const suite = browserSuite();
let page: Page;

test('an owner imports a template, edits and extends it on the canvas, fixes the problem it shows, publishes, and the draft persists and exports as saved', async () => {
  await suite.run('flow-builder', buildAndPublish);
});

async function buildAndPublish(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-flows').click();

  // New from template: the four templates, then order tracking opens in the builder.
  await page.getByTestId('flow-templates').click();
  await page.locator('[data-template-id="lead-qualification"]').waitFor();
  expect(await page.getByTestId('flow-template').evaluateAll((els) => els.map((el) => el.getAttribute('data-template-id'))))
    .toEqual(['booking-assistant', 'order-tracking', 'faq-bot', 'lead-qualification']);
  await page.locator('[data-template-id="order-tracking"]').getByTestId('flow-template-use').click();
  await page.getByTestId('flow-builder').waitFor();
  const flowId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
  expect(await page.getByTestId('builder-version').textContent()).toBe('Not published');
  expect(await page.getByTestId('problems-panel').getAttribute('data-count')).toBe('0');

  // The webhook node shows its branches as handles.
  expect(await node('lookup').getByTestId('flow-branch').evaluateAll((els) => els.map((el) => el.getAttribute('data-branch')))).toEqual(['success', 'error']);

  // Edit the answer message's text in the side panel; the preview shows it as WhatsApp would.
  await node('answer').click();
  await page.locator('[data-testid="node-editor"][data-node-id="answer"]').waitFor();
  await page.getByTestId('field-text').fill(NEW_ANSWER);
  expect(await page.getByTestId('preview-text').textContent()).toBe('Your order [order] is [orderStatus]. Thanks for shopping with us!');
  expect(await node('answer').locator('.flow-node-body').textContent()).toBe(NEW_ANSWER);
  await saved();

  // Drag a message from the palette onto the canvas: it is disconnected, so it is a problem on that node.
  const canvas = page.getByTestId('flow-canvas');
  const box = (await canvas.boundingBox())!;
  await page.locator('[data-testid="palette-item"][data-node-type="message"]').dragTo(canvas, { targetPosition: { x: 60, y: box.height - 40 } });
  const added = node('message-1');
  await added.waitFor();
  await page.locator('.solid-flow__controls-fitview').click();
  await settled(added);
  expect(await added.getAttribute('class')).toContain('has-problem');
  const problem = page.locator('[data-testid="problem"][data-node-id="message-1"]');
  expect(await problem.first().textContent()).toContain('no edge leads to this node');
  expect(await page.getByTestId('publish-result').count()).toBe(0);

  // Publishing now is refused with the problems; clicking a problem selects its node.
  await page.getByTestId('builder-publish').click();
  expect(await page.getByTestId('publish-result').textContent()).toMatch(/^Not published: \d+ problems? to fix\. Nothing is live yet\./);
  await node('trigger').click();
  await page.locator('[data-testid="node-editor"][data-node-id="trigger"]').waitFor();
  await problem.first().click();
  await page.locator('[data-testid="node-editor"][data-node-id="message-1"]').waitFor();
  await page.getByTestId('field-text').fill('Anything else I can help with?');
  await page.locator('.solid-flow__controls-fitview').click();
  await settled(added);

  // Fix it: answer → the new message (replacing answer → end), new message → end.
  await connect(node('answer').getByTestId('flow-handle-out'), added.locator('.flow-handle-in'));
  await connect(added.getByTestId('flow-handle-out'), node('end').locator('.flow-handle-in'));
  await page.locator('[data-testid="problems-panel"][data-count="0"]').waitFor();
  expect(await added.getAttribute('class')).not.toContain('has-problem');
  await saved();

  await page.getByTestId('builder-publish').click();
  await page.getByTestId('publish-result').filter({ hasText: 'Published version 1.' }).waitFor();
  expect(await page.getByTestId('builder-version').textContent()).toBe('Live: v1');
  const [version] = await query(suite.platform.databaseUrl, `select definition from flow_versions where flow_id = $1 and version = 1`, [flowId]);
  expect(edgesOf(version.definition)).toContainEqual(['answer', null, 'message-1']);

  // After a reload the builder shows what was saved.
  await page.reload();
  await node('answer').waitFor();
  expect(await node('answer').locator('.flow-node-body').textContent()).toBe(NEW_ANSWER);
  expect(await node('message-1').locator('.flow-node-body').textContent()).toBe('Anything else I can help with?');
  expect(await page.getByTestId('builder-version').textContent()).toBe('Live: v1');
  const { exportFlow } = await gqlOk(suite.platform.url, 'query($id: ID!) { exportFlow(id: $id) }', { id: flowId }, workspace.token);
  const edges = edgesOf(exportFlow);
  expect(edges).toEqual(expect.arrayContaining([['answer', null, 'message-1'], ['message-1', null, 'end']]));
  expect(edges).not.toContainEqual(['answer', null, 'end']);
  expect(exportFlow.nodes.find((n: { id: string }) => n.id === 'answer').data.text).toBe(NEW_ANSWER);

  // The list's export downloads exactly the saved definition.
  await page.getByTestId('builder-back').click();
  const row = page.locator(`[data-testid="flow-row"][data-flow-id="${flowId}"]`);
  expect(await row.getByTestId('flow-status').getAttribute('data-status')).toBe('PUBLISHED');
  expect(await row.getByTestId('flow-version').textContent()).toBe('v1');
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('flow-export').click()]);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
  const [stored] = await query(suite.platform.databaseUrl, `select draft from flows where id = $1`, [flowId]);
  expect(exported).toEqual(stored.draft);
  expect(exported).toEqual(exportFlow);

  // Importing that file makes a new draft flow with the same definition, named after the file.
  await page.getByTestId('flow-import-file').setInputFiles({ name: 'Order tracking copy.flow.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  const copy = page.getByTestId('flow-row').filter({ hasText: 'Order tracking copy' });
  await copy.waitFor();
  expect(await copy.getByTestId('flow-status').getAttribute('data-status')).toBe('DRAFT');
  const copyId = (await copy.getAttribute('data-flow-id'))!;
  const [copied] = await query(suite.platform.databaseUrl, `select draft from flows where id = $1`, [copyId]);
  expect(copied.draft).toEqual(stored.draft);

  // Deleting the copy takes it off the list; the original stays.
  page.once('dialog', (dialog) => void dialog.accept());
  await copy.getByTestId('flow-delete').click();
  await copy.waitFor({ state: 'detached' });
  const { flows } = await gqlOk(suite.platform.url, '{ flows { id } }', {}, workspace.token);
  expect(flows).toEqual([{ id: flowId }]);
}

test('buttons edited in the side panel become branches and show in the preview; runs and the funnel show on the runs page and the canvas', async () => {
  await suite.run('flow-builder-runs', buttonsRunsAndFunnel);
});

async function buttonsRunsAndFunnel(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const { importFlowTemplate: flow } = await gqlOk(suite.platform.url, 'mutation { importFlowTemplate(templateId: "booking-assistant") { id draft } }', {}, workspace.token);
  const firstMessage = flow.draft.nodes.find((n: { type: string; data: { buttons?: unknown; list?: unknown } }) => n.type === 'message' && !n.data.buttons && !n.data.list);
  // A run and funnel counts as the flow runtime writes them (its own branch records them from real runs).
  const inbound = await simulateInbound(suite.platform.url, workspace, '+4916200000077', 'hello');
  await query(suite.platform.databaseUrl, `insert into flow_runs (id, workspace_id, flow_id, version, conversation_id, status, current_node_id, variables, error, started_at)
    values (gen_random_uuid(), $1, $2, 1, $3, 'FAILED', $4, '{"date": "2026-12-24"}', 'webhook https://example.com answered 500 after 3 retries', now())`,
  [workspace.workspaceId, flow.id, inbound.conversationId, firstMessage.id]);
  await query(suite.platform.databaseUrl, `insert into flow_node_stats (flow_id, node_id, workspace_id, entered, completed, dropped) values ($1, $2, $3, 7, 5, 2)`,
    [flow.id, firstMessage.id, workspace.workspaceId]);

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-flows').click();
  const row = page.locator(`[data-testid="flow-row"][data-flow-id="${flow.id}"]`);
  await row.filter({ hasText: 'Booking assistant' }).waitFor();
  await row.getByTestId('flow-runs').click();

  const run = page.getByTestId('run-row');
  await run.waitFor();
  expect(await run.getAttribute('data-status')).toBe('FAILED');
  expect(await run.getByTestId('run-error').textContent()).toBe('webhook https://example.com answered 500 after 3 retries');
  await run.getByTestId('run-contact').filter({ hasText: '+4916200000077' }).waitFor();
  expect(await run.textContent()).toContain(firstMessage.id);
  expect(await page.locator(`[data-testid="funnel-row"][data-node-id="${firstMessage.id}"]`).textContent()).toContain('752');
  await page.getByTestId('runs-filter-completed').click();
  await page.getByTestId('run-row').waitFor({ state: 'detached' });

  await page.goto(`${suite.platform.url}/flows/${flow.id}`);
  const message = node(firstMessage.id);
  expect(await message.getByTestId('flow-node-funnel').textContent()).toBe('▶ 7✓ 5✕ 2');

  // Buttons: each is a branch (a handle) on the node, shown under the bubble in the preview; WhatsApp's 3 at most.
  await message.click();
  await page.getByTestId('field-reply-mode').selectOption('buttons');
  await page.getByTestId('button-title').first().fill('Morning');
  await page.getByTestId('button-add').click();
  await page.getByTestId('button-title').nth(1).fill('Afternoon');
  await page.getByTestId('button-add').click();
  await page.getByTestId('button-title').nth(2).fill('Evening');
  expect(await page.getByTestId('button-add').count()).toBe(0);
  expect(await message.getByTestId('flow-branch').evaluateAll((els) => els.map((el) => el.getAttribute('data-branch')))).toEqual(['btn-1', 'btn-2', 'btn-3', '']);
  expect(await page.getByTestId('preview-button').allTextContents()).toEqual(['Morning', 'Afternoon', 'Evening']);
  // A new button's handle is live at once: an edge drawn from it is saved with the button's id as its branch.
  const target = flow.draft.nodes.find((n: { id: string; type: string }) => n.type === 'message' && n.id !== firstMessage.id && !flow.draft.edges.some((e: { source: string; target: string }) => e.target === n.id && e.source === firstMessage.id))!;
  await connect(message.locator('[data-testid="flow-handle-out"][data-handleid="btn-1"]'), node(target.id).locator('.flow-handle-in'));
  await saved();
  const draftEdges = async () => edgesOf((await query(suite.platform.databaseUrl, `select draft from flows where id = $1`, [flow.id]))[0].draft);
  expect(await draftEdges()).toContainEqual([firstMessage.id, 'btn-1', target.id]);
  // Switching to a list removes the buttons, and their edges with them.
  await page.getByTestId('field-reply-mode').selectOption('list');
  await page.getByTestId('preview-list-button').click();
  expect(await page.getByTestId('preview-list').textContent()).toContain('First option');
  await saved();
  const [stored] = await query(suite.platform.databaseUrl, `select draft from flows where id = $1`, [flow.id]);
  const data = stored.draft.nodes.find((n: { id: string }) => n.id === firstMessage.id).data;
  expect(data.buttons).toBeUndefined();
  expect(data.list).toEqual({ button: 'Options', rows: [{ id: 'row-1', title: 'First option' }] });
  expect((await draftEdges()).filter(([source, handle]) => source === firstMessage.id && handle !== null)).toEqual([]);

  // Test in simulator: the phone opens beside the canvas.
  await page.getByTestId('builder-test').click();
  await page.getByTestId('builder-simulator').getByTestId('phone-panel').waitFor();
  expect(await page.getByTestId('builder-simulator').textContent()).toContain('Publish the flow first');
  await suite.screenshot(page, 'flow-builder');
}

function node(id: string): Locator {
  return page.locator(`[data-testid="flow-node"][data-node-id="${id}"]`);
}

async function saved(): Promise<void> {
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor();
}

/** Draws an edge on the canvas: press on a source handle, move to a target handle, release. */
async function connect(from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Waits until the element stops moving (the canvas animates fit view and centring). */
async function settled(target: Locator): Promise<void> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    const now = JSON.stringify(await target.boundingBox());
    if (now === last) return;
    last = now;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  throw new Error('the canvas kept moving');
}

function edgesOf(definition: { edges: { source: string; sourceHandle?: string | null; target: string }[] }): [string, string | null, string][] {
  return definition.edges.map((e) => [e.source, e.sourceHandle ?? null, e.target]);
}
