import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk } from '../../test/support/platform';
import { answer, startFakeLlm, type FakeLlm } from '../../test/support/fake-llm-server';
import { ADD_DOCUMENT, createKnowledgeBase, waitForDocument } from '../../test/support/knowledge';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const CUSTOMER = '+4915112399001';

jest.setTimeout(120_000);

const suite = browserSuite();
let page: Page;
let llm: FakeLlm;

beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(() => llm?.close());

test('AI settings set up in the dashboard; a draft edited and approved from the inbox reaches the phone; "why this reply" shows the trace, the sources and the prompt; the Knowledge page\'s test panel answers with its passage', async () => {
  await suite.run('ai-replies', aiReplies);
});

async function aiReplies(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const knowledgeBaseId = await createKnowledgeBase(suite.platform.url, workspace.token, 'Bakery');
  const { addDocument } = await gqlOk(suite.platform.url, ADD_DOCUMENT, { i: { knowledgeBaseId, name: 'Bread prices', text: 'A sourdough loaf costs 4 EUR.' } }, workspace.token);
  await waitForDocument(suite.platform.databaseUrl, addDocument.id, ['INDEXED']);
  llm.respond(() => answer('A sourdough loaf costs 4 EUR.', { confidence: 0.81 }));
  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('phone-panel').waitFor();

  // The settings page: a provider with its key, tested, approval for every reply, no quiet window.
  await page.getByTestId('nav-ai').click();
  await page.getByTestId('ai-settings-form').waitFor();
  await page.getByTestId('provider-add').click();
  await page.getByTestId('provider-base-url').fill(llm.url);
  await page.getByTestId('provider-model').fill('claude-fake');
  await page.getByTestId('provider-api-key').fill('sk-browser-secret');
  await page.getByTestId('provider-test').click();
  await page.locator('[data-testid="provider-test-result"][data-ok="true"]').waitFor();
  await page.getByTestId('ai-enabled').check();
  await page.getByTestId('ai-approval-mode').selectOption('ALL');
  await page.getByTestId('ai-debounceSeconds').fill('0');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-saved').waitFor();
  // Write-only: after saving, the key field is empty and says a key is stored.
  expect(await page.getByTestId('provider-api-key').inputValue()).toBe('');
  expect(await page.getByTestId('provider-api-key').getAttribute('placeholder')).toMatch(/stored/);

  // The customer asks; the inbox shows a draft the phone does not.
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('phone-number').fill(CUSTOMER);
  await page.getByTestId('phone-number').press('Tab');
  await page.getByTestId('phone-input').fill('How much is a sourdough loaf?');
  await page.getByTestId('phone-send').click();
  await page.locator('[data-testid="conversation-item"]', { hasText: CUSTOMER.slice(1) }).click();
  const draft = page.locator('[data-testid="thread-bubble"][data-status="DRAFT"]');
  await draft.waitFor();
  expect(await draft.getByTestId('bubble-text').innerText()).toBe('A sourdough loaf costs 4 EUR.');
  expect(await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]').count()).toBe(0);
  await suite.screenshot(page, 'ai-draft');

  await draft.getByTestId('draft-edit').click();
  await draft.getByTestId('draft-edit-text').fill('A sourdough loaf costs 4.50 EUR.');
  await draft.getByTestId('draft-approve').click();
  const sent = page.locator('[data-testid="thread-bubble"][data-sender-type="BOT"]', { hasText: 'A sourdough loaf costs 4.50 EUR.' });
  await sent.and(page.locator(':not([data-status="DRAFT"])')).waitFor();
  await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: 'A sourdough loaf costs 4.50 EUR.' }).waitFor();
  expect(await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]').count()).toBe(1);

  // Why this reply: the trace, its passages and, for an owner, the full prompt.
  expect(await sent.getByTestId('ai-confidence').innerText()).toContain('81%');
  await sent.getByTestId('why-this-reply').click();
  await sent.getByTestId('why-facts').waitFor();
  expect(await sent.getByTestId('why-facts').innerText()).toContain('claude-fake');
  await sent.getByTestId('ai-source').first().waitFor();
  expect(await sent.getByTestId('ai-source').first().innerText()).toContain('Bread prices');
  expect(await sent.getByTestId('ai-source').first().innerText()).toContain('A sourdough loaf costs 4 EUR.');
  await sent.getByTestId('why-prompt').locator('summary').click();
  expect(await sent.getByTestId('why-prompt').innerText()).toContain('How much is a sourdough loaf?');
  await suite.screenshot(page, 'ai-why-this-reply');

  // The Knowledge page's test panel answers as the bot would, with the passage it used.
  llm.respond(() => answer('Sourdough is 4 EUR.', { confidence: 0.9 }));
  await page.getByTestId('nav-knowledge').click();
  await page.getByTestId('knowledge-test-question').fill('What does sourdough cost?');
  await page.getByTestId('knowledge-test-ask').click();
  const tested = page.getByTestId('knowledge-test-answer');
  await tested.waitFor();
  expect(await tested.innerText()).toContain('Sourdough is 4 EUR.');
  expect(await tested.getByTestId('ai-source').first().innerText()).toContain('Bread prices');
}
