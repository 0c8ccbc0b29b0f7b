import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk, query, simulateInbound, waitFor } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";

jest.setTimeout(120_000);

const suite = browserSuite();
let page: Page;

test('an owner edits a keyword rule and deletes it from the rules page, and the bot answers accordingly', async () => {
  await suite.run('keyword-rules', editAndDelete);
});

async function editAndDelete(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url, [{ keywords: ['hours'], matchType: 'CONTAINS', reply: 'Open 9 to 5.' }]);
  const ask = async (text: string) => {
    const message = await simulateInbound(suite.platform.url, workspace, '+4916200000001', text);
    return waitFor(`the reply to "${text}"`, async () => {
      const [reply] = await query(suite.platform.databaseUrl, `select text from messages where reply_to_id = $1 and status = 'SENT'`, [message.id]);
      return reply?.text as string | undefined;
    });
  };
  expect(await ask('hours?')).toBe('Open 9 to 5.');

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-rules').click();

  const row = page.getByTestId('rule-row');
  await row.getByTestId('rule-edit').click();
  expect(await page.getByTestId('rule-keywords').inputValue()).toBe('hours');
  await page.getByTestId('rule-reply').fill('Open 8 to 6 now.');
  await page.getByTestId('rule-submit').click();
  await row.filter({ hasText: 'Open 8 to 6 now.' }).waitFor();
  expect(await ask('your hours today?')).toBe('Open 8 to 6 now.');

  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByTestId('rule-delete').click();
  await row.waitFor({ state: 'detached' });
  expect(await ask('hours?')).toBe(DEFAULT_REPLY);
  expect((await gqlOk(suite.platform.url, '{ keywordRules { id } }', {}, workspace.token)).keywordRules).toEqual([]);
}
