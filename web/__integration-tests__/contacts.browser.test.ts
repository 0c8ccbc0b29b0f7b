import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk, simulateInbound, waitFor, query } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const ANA = '+4916200000001';

jest.setTimeout(180_000);

const suite = browserSuite();
let page: Page;

test('an owner creates labels, imports a CSV through the mapping step, filters, bulk labels, notes a contact and sees it all in the inbox thread', async () => {
  await suite.run('contacts', contactBook);
});

test('10,000 contacts scroll to the last row with only a window of rows in the page', async () => {
  await suite.run('contacts-scroll', scrollTenThousand);
});

test('an owner edits labels and fields, renames and deletes a segment, and filters by when contacts last wrote', async () => {
  await suite.run('contacts-manage', manageBook);
});

async function contactBook(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  // Ana wrote in already: the import updates her, and her conversation is what the drawer links to.
  const inbound = await simulateInbound(suite.platform.url, workspace, ANA, 'hello there');

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('contacts-total').filter({ hasText: '1 contact' }).waitFor();

  await page.getByTestId('manage-labels').click();
  for (const [name, color] of [['VIP', '#d92d20'], ['Lead', '#4f46e5']]) {
    await page.getByTestId('label-name').fill(name);
    await page.getByTestId('label-color').fill(color);
    await page.getByTestId('label-create').click();
    await page.getByTestId('label-item').filter({ hasText: name }).waitFor();
  }
  await page.getByTestId('field-name').fill('Tier');
  expect(await page.getByTestId('field-key').inputValue()).toBe('tier');
  await page.getByTestId('field-type').selectOption('NUMBER');
  await page.getByTestId('field-create').click();
  await page.getByTestId('field-item').filter({ hasText: 'Tier' }).waitFor();
  await page.getByTestId('labels-close').click();

  // Headers that are not the field names: the mapping step guesses them, and the agent leaves Plan out.
  const csv = [
    'Mobile,Full Name,E-mail,Plan',
    `${ANA},Ana Inbox,ana@example.com,gold`,
    '+4916200000002,Ben Buyer,ben@example.com,silver',
    'not a phone,Nobody,,',
    '+4916200000003,"Carla, Jr.",carla@example.com,gold',
  ].join('\n');
  await page.getByTestId('import-contacts').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const map = (column: string) => page.getByTestId('import-mapping').locator(`[data-testid="import-map"][data-column="${column}"]`);
  expect(await map('Mobile').inputValue()).toBe('phone');
  expect(await map('Full Name').inputValue()).toBe('name');
  expect(await map('E-mail').inputValue()).toBe('email');
  expect(await map('Plan').inputValue()).toBe('');
  await page.getByTestId('import-start').click();
  const result = page.getByTestId('import-result');
  await result.waitFor();
  expect(await result.getByTestId('import-created').textContent()).toBe('2');
  expect(await result.getByTestId('import-updated').textContent()).toBe('1');
  expect(await result.getByTestId('import-error-count').textContent()).toBe('1');
  expect(await result.getByTestId('import-bad-row').getAttribute('data-line')).toBe('4');
  expect(await page.getByTestId('import-progress').getAttribute('aria-valuenow')).toBe('100');
  await page.getByTestId('import-finish').click();
  await page.getByTestId('contacts-total').filter({ hasText: '3 contacts' }).waitFor();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-contacts').click()]);
  const exported = await streamText(await download.createReadStream());
  expect(exported).toContain('"Carla, Jr."');
  expect(exported.trim().split('\n')).toHaveLength(4);

  const rows = page.getByTestId('contact-row');
  await page.getByTestId('contacts-search').fill('carla');
  await page.getByTestId('contacts-total').filter({ hasText: '1 contact' }).waitFor();
  expect(await rows.getByTestId('contact-name').allTextContents()).toEqual(['Carla, Jr.']);
  await page.getByTestId('contacts-search').fill('');
  await page.getByTestId('contacts-total').filter({ hasText: '3 contacts' }).waitFor();

  for (const phone of [ANA, '+4916200000002']) await rows.and(page.locator(`[data-phone="${phone}"]`)).getByTestId('contact-select').check();
  expect(await page.getByTestId('selected-count').textContent()).toBe('2 selected');
  const vip = await labelId(workspace.token, 'VIP');
  await page.getByTestId('bulk-label').selectOption(vip);
  await page.getByTestId('bulk-add-label').click();
  await page.getByTestId('contacts-notice').filter({ hasText: 'Added to 2 contacts' }).waitFor();

  await page.getByTestId('filter-label').selectOption(vip);
  await page.getByTestId('contacts-total').filter({ hasText: '2 contacts' }).waitFor();
  expect((await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-phone')))).sort()).toEqual([ANA, '+4916200000002']);
  page.once('dialog', (dialog) => void dialog.accept('VIPs'));
  await page.getByTestId('save-segment').click();
  await page.getByTestId('contacts-notice').filter({ hasText: 'Saved segment “VIPs” (2)' }).waitFor();
  await page.getByTestId('contacts-search').fill('ben');
  await page.getByTestId('contacts-total').filter({ hasText: '1 contact' }).waitFor();
  expect(await rows.getByTestId('contact-name').allTextContents()).toEqual(['Ben Buyer']);
  await page.getByTestId('contacts-search').fill('');
  await page.getByTestId('contacts-total').filter({ hasText: '2 contacts' }).waitFor();

  await rows.and(page.locator(`[data-phone="${ANA}"]`)).getByTestId('contact-name').click();
  const drawer = page.getByTestId('contact-drawer');
  await drawer.getByTestId('drawer-name').filter({ hasText: 'Ana Inbox' }).waitFor();
  expect(await drawer.getByTestId('drawer-labels').getByTestId('label-chip').allTextContents()).toEqual(['VIP']);
  await drawer.getByTestId('note-input').fill('Prefers calls after 5pm');
  await drawer.getByTestId('note-add').click();
  const note = drawer.getByTestId('note').filter({ hasText: 'Prefers calls after 5pm' });
  await note.waitFor();
  expect(await note.getByTestId('note-author').textContent()).toBe('Test Owner');
  const [stored] = await query(suite.platform.databaseUrl, `select text from contact_notes where text = $1`, ['Prefers calls after 5pm']);
  expect(stored?.text).toBe('Prefers calls after 5pm');

  await drawer.getByTestId('contact-field-tier').fill('3');
  await drawer.getByTestId('contact-edit-name').fill('Ana Inbox-Meyer');
  await drawer.getByTestId('contact-save').click();
  await drawer.getByTestId('drawer-name').filter({ hasText: 'Ana Inbox-Meyer' }).waitFor();
  const { contacts: edited } = await gqlOk(suite.platform.url, `{ contacts(filter: {search: "Meyer"}) { edges { node { name email fields } } } }`, {}, workspace.token);
  expect(edited.edges.map((e: { node: unknown }) => e.node)).toEqual([{ name: 'Ana Inbox-Meyer', email: 'ana@example.com', fields: { tier: 3 } }]);

  await drawer.getByTestId('contact-opted-out').check();
  await drawer.getByText(/Opted out since .* \(agent\)/i).waitFor();
  const [ana] = await query(suite.platform.databaseUrl, `select opted_out_at from contacts where phone = $1 and workspace_id = $2`, [ANA, workspace.workspaceId]);
  expect(ana?.opted_out_at).toBeTruthy();

  await drawer.getByTestId('drawer-conversation').click();
  await page.waitForURL(`**/inbox/${encodeURIComponent(inbound.conversationId)}`);
  const header = page.getByTestId('thread-contact');
  await header.getByTestId('thread-labels').getByTestId('label-chip').filter({ hasText: 'VIP' }).waitFor();
  await header.getByTestId('note').filter({ hasText: 'Prefers calls after 5pm' }).waitFor();

  // An agent adds a note from the thread; it is the contact's, so the Contacts drawer shows it too.
  await header.getByTestId('note-input').fill('Asked about gold plan');
  await header.getByTestId('note-add').click();
  await header.getByTestId('note').filter({ hasText: 'Asked about gold plan' }).waitFor();
  const contact = await waitFor('the note on the contact', async () => {
    const { contacts } = await gqlOk(suite.platform.url, `{ contacts(filter: {search: "Ana"}) { edges { node { notes { text } } } } }`, {}, workspace.token);
    const notes: string[] = contacts.edges[0].node.notes.map((n: { text: string }) => n.text);
    return notes.includes('Asked about gold plan') && notes;
  });
  expect(contact).toEqual(['Asked about gold plan', 'Prefers calls after 5pm']);
}

async function scrollTenThousand(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const lines = ['phone,name'];
  for (let i = 0; i < 10_000; i++) lines.push(`+49162${String(1_000_000 + i).padStart(7, '0')},Contact ${i}`);
  const { importContacts } = await gqlOk(suite.platform.url, `mutation($i: ImportContactsInput!) { importContacts(input: $i) { created errorCount } }`,
    { i: { csv: lines.join('\n') } }, workspace.token);
  expect(importContacts).toEqual({ created: 10_000, errorCount: 0 });

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('contacts-total').filter({ hasText: '10000 contacts' }).waitFor();

  // Scroll to the end step by step: each step renders the rows now in view (pages load as it goes),
  // while the page holds only a window of rows, never all that were loaded.
  const scroller = page.getByTestId('contacts-scroll');
  let highest = -1;
  for (let step = 0; highest < 9_999 && step < 400; step++) {
    await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const indexes = await waitFor('rows rendered after the scroll', async () => {
      const seen = await page.getByTestId('contact-row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
      return seen.length > 0 && Math.max(...seen) > highest && seen;
    });
    expect(indexes.length).toBeLessThan(100);
    highest = Math.max(...indexes);
  }
  expect(highest).toBe(9_999);
  await page.locator('[data-testid="contact-row"][data-index="9999"]').waitFor();
  expect(await page.getByTestId('contact-row').count()).toBeLessThan(100);
}

async function manageBook(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  await simulateInbound(suite.platform.url, workspace, ANA, 'hello there');
  const api = (doc: string, variables: Record<string, unknown> = {}) => gqlOk(suite.platform.url, doc, variables, workspace.token);
  await api(`mutation($i: ImportContactsInput!) { importContacts(input: $i) { created } }`, { i: { csv: 'phone,name\n+4916200000002,Ben Buyer\n+4916200000003,Carla' } });
  await api(`mutation { createLabel(input: {name: "VIP", color: "#d92d20"}) { id } }`);
  await api(`mutation { createCustomField(input: {name: "Plan", key: "plan", type: CHOICE, choices: ["gold", "silver"]}) { id } }`);
  await api(`mutation { createCustomField(input: {name: "Old note", key: "old_note", type: TEXT}) { id } }`);
  await api(`mutation { createSegment(input: {name: "Everyone", filter: {}}) { id } }`);

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('contacts-total').filter({ hasText: '3 contacts' }).waitFor();

  await page.getByTestId('manage-labels').click();
  const vip = page.locator('[data-testid="label-item"][data-label="VIP"]');
  await vip.getByTestId('label-edit').click();
  await vip.getByTestId('label-edit-name').fill('VIP Gold');
  await vip.getByTestId('label-edit-color').fill('#4f46e5');
  await vip.getByTestId('label-save').click();
  await page.locator('[data-testid="label-item"][data-label="VIP Gold"]').getByTestId('label-edit').waitFor();
  const plan = page.locator('[data-testid="field-item"][data-field="plan"]');
  await plan.getByTestId('field-edit').click();
  await plan.getByTestId('field-edit-name').fill('Plan tier');
  await plan.getByTestId('field-edit-choices').fill('gold, silver, bronze');
  await plan.getByTestId('field-save').click();
  await plan.filter({ hasText: 'choice: gold, silver, bronze' }).waitFor();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.locator('[data-testid="field-item"][data-field="old_note"]').getByTestId('field-delete').click();
  await page.locator('[data-testid="field-item"][data-field="old_note"]').waitFor({ state: 'detached' });
  const stored = await api('{ labels { name color } customFields { key name choices } }');
  expect(stored).toEqual({ labels: [{ name: 'VIP Gold', color: '#4f46e5' }], customFields: [{ key: 'plan', name: 'Plan tier', choices: ['gold', 'silver', 'bronze'] }] });
  await page.getByTestId('labels-close').click();

  const segmentOption = (name: string) => page.getByTestId('filter-segment').locator('option').filter({ hasText: name });
  await page.getByTestId('filter-segment').selectOption({ label: 'Everyone (3)' });
  page.once('dialog', (dialog) => void dialog.accept('All of them'));
  await page.getByTestId('segment-rename').click();
  await segmentOption('All of them (3)').waitFor({ state: 'attached' });
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('segment-delete').click();
  await page.getByTestId('contacts-notice').filter({ hasText: 'Deleted the segment “All of them”' }).waitFor();
  await segmentOption('All of them').waitFor({ state: 'detached' });
  expect(await api('{ segments { name } }')).toEqual({ segments: [] });

  // Only Ana has written: she was last seen today, the imported two never.
  const today = new Date();
  const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const rows = page.getByTestId('contact-row');
  await page.getByTestId('filter-seen-from').fill(day(today));
  await page.getByTestId('contacts-total').filter({ hasText: '1 contact' }).waitFor();
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-phone')))).toEqual([ANA]);
  await page.getByTestId('filter-seen-from').fill('');
  await page.getByTestId('filter-seen-until').fill(day(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)));
  await page.getByTestId('contacts-total').filter({ hasText: '0 contacts' }).waitFor();
  await page.getByTestId('contacts-empty').waitFor();
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function labelId(token: string, name: string): Promise<string> {
  const { labels } = await gqlOk(suite.platform.url, '{ labels { id name } }', {}, token);
  return labels.find((l: { name: string }) => l.name === name).id;
}
