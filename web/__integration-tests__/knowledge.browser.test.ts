/**
 * The Knowledge page in Chromium against a real Parley: an owner creates a knowledge base, drops a
 * Markdown file on it and watches it go to Indexed live (no reload), with its passages counted;
 * a program named .pdf is refused with the reason next to its name.
 */
import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, query } from '../../test/support/platform';
import { fixture } from '../../test/support/knowledge';

const TIMEOUT = 60_000;
const OWNER_PASSWORD = 'correct horse battery';

jest.setTimeout(180_000);

const suite = browserSuite();
let page: Page;

test('an owner drops a file on a knowledge base and sees it indexed live', async () => {
  await suite.run('knowledge', dropAndIndex);
});

async function dropAndIndex(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-knowledge').click();

  await page.getByTestId('kb-name').fill('Shop FAQ');
  await page.getByTestId('kb-submit').click();
  await page.getByTestId('kb-item').filter({ hasText: 'Shop FAQ' }).waitFor();

  await dropFile(page, 'returns.md', fixture('returns.md'), 'text/markdown');
  const row = page.getByTestId('document-row').filter({ hasText: 'returns.md' });
  await page.locator('[data-testid="document-row"][data-status="INDEXED"]').filter({ hasText: 'returns.md' }).waitFor();
  expect(await row.getByTestId('document-status').textContent()).toBe('Indexed');
  expect(await row.locator('td.num').textContent()).toBe('3');
  const [stored] = await query(suite.platform.databaseUrl, `select count(*)::int as chunks from chunks c join documents d on d.id = c.document_id where d.workspace_id = $1 and d.name = 'returns.md'`, [workspace.workspaceId]);
  expect(stored).toEqual({ chunks: 3 });

  await page.getByTestId('file-input').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: fixture('program.exe.pdf') });
  const refused = page.getByTestId('upload-row').filter({ hasText: 'invoice.pdf' });
  await refused.getByTestId('upload-error').waitFor();
  expect(await refused.getByTestId('upload-error').textContent()).toMatch(/^the content is not a PDF, Word \(DOCX\), HTML, CSV, Markdown or plain text document/);
  await suite.screenshot(page, 'knowledge');
}

/** Drops a file on the dropzone the way a browser does: a drop event carrying a DataTransfer with the file. */
async function dropFile(target: Page, name: string, bytes: Buffer, type: string): Promise<void> {
  const dataTransfer = await target.evaluateHandle(({ name, data, type }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
    return transfer;
  }, { name, data: bytes.toString('base64'), type });
  await target.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
}
