/**
 * The Broadcasts pages against the real platform in a real browser (issue 12): the composer's live
 * audience count and per-contact preview, the campaign page's pushed progress, counts and skip
 * reasons, the customer's phone getting the substituted text, and pause / resume from the page.
 */
import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk, query, simulateInbound, waitFor, type TestWorkspace } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const ANA = '+4916300000001';
const BEN = '+4916300000002';
const CARA = '+4916300000003';

jest.setTimeout(180_000);

const suite = browserSuite();
let page: Page;

test('an owner composes a broadcast to a label with the live count and a preview, starts it and watches it complete; the phone gets the text', async () => {
  await suite.run('broadcasts', composeAndSend);
});

test('a draft saved, edited and scheduled waits for its time on the campaign page, and cancelling it there sends nothing', async () => {
  await suite.run('broadcasts-schedule', scheduleAndCancel);
});

test('pause on the campaign page holds the sends (proven by a later reply on the same channel), resume finishes it', async () => {
  await suite.run('broadcasts-pause', pauseAndResume);
});

async function composeAndSend(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const spring = await seedLabel(workspace, 'Spring', [[ANA, 'Ana Spring'], [BEN, 'Ben Spring'], [CARA, 'Cara Optout']]);
  await optOut(workspace, CARA);

  page = await openBroadcasts(workspace);
  await page.getByTestId('new-broadcast').click();
  await page.getByTestId('broadcast-composer').waitFor();

  // Starting with nothing filled in: the server's BAD_USER_INPUT shows at its field.
  await page.getByTestId('broadcast-start').click();
  await page.getByTestId('error-name').filter({ hasText: 'must not be empty' }).waitFor();

  await page.getByTestId('broadcast-name-input').fill('Spring sale');
  expect(await page.getByTestId('error-name').count()).toBe(0);
  await page.locator(`[data-testid="audience-label"][data-label-id="${spring}"] input`).check();
  const count = page.getByTestId('audience-count');
  await count.and(page.locator('[data-total="3"][data-sendable="2"]')).waitFor();
  expect(await count.getByTestId('audience-total').textContent()).toBe('3');
  expect(await count.getByTestId('audience-sendable').textContent()).toBe('2');

  const text = page.getByTestId('broadcast-text');
  await text.fill('Hello ');
  await page.locator('[data-testid="variable-hint"][data-token="{{contact.name}}"]').click();
  await text.press('End');
  await text.pressSequentially(', spring is here!');
  expect(await text.inputValue()).toBe('Hello {{contact.name}}, spring is here!');

  const benId = await contactId(workspace, BEN);
  await page.getByTestId('preview-contact').selectOption(benId);
  await page.getByTestId('preview-text').filter({ hasText: 'Hello Ben Spring, spring is here!' }).waitFor();
  await suite.screenshot(page, 'broadcast-composer');

  await page.getByTestId('broadcast-start').click();
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  const broadcastId = page.url().split('/').pop()!;
  const campaign = page.getByTestId('campaign');
  await campaign.locator('[data-testid="broadcast-status"][data-status="COMPLETED"]').waitFor();
  await campaign.locator('[data-testid="count-sent"][data-value="2"]').waitFor();
  expect(await campaign.getByTestId('count-skipped').getAttribute('data-value')).toBe('1');
  expect(await campaign.getByTestId('count-pending').getAttribute('data-value')).toBe('0');
  expect(await campaign.getByTestId('campaign-progress').getAttribute('aria-valuenow')).toBe('100');
  expect(await campaign.getByTestId('campaign-temporal').getAttribute('href')).toContain(encodeURIComponent(`broadcast:${broadcastId}`));

  await page.getByTestId('recipients-filter-skipped').click();
  const skipped = page.getByTestId('recipient-row');
  await skipped.and(page.locator(`[data-phone="${CARA}"]`)).getByTestId('recipient-error').filter({ hasText: 'opted out' }).waitFor();
  expect(await skipped.count()).toBe(1);
  await page.getByTestId('recipients-filter-sent').click();
  await page.getByTestId('recipient-row').and(page.locator(`[data-phone="${ANA}"]`)).waitFor();
  expect((await page.getByTestId('recipient-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-phone')))).sort()).toEqual([ANA, BEN]);
  await suite.screenshot(page, 'broadcast-campaign');

  // What went out on the simulator's wire, once per recipient, with each one's name.
  const wire = await query(suite.platform.databaseUrl, `select text from simulator_deliveries where idempotency_key like $1 order by text`, [`broadcast:${broadcastId}:%`]);
  expect(wire.map((r) => r.text)).toEqual(['Hello Ana Spring, spring is here!', 'Hello Ben Spring, spring is here!']);

  // And Ana's phone shows it.
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('phone-number').fill(ANA);
  await page.getByTestId('phone-number').press('Tab');
  await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: 'Hello Ana Spring, spring is here!' }).waitFor();

  // The list shows it finished, with its counts.
  await page.getByTestId('nav-broadcasts').click();
  const row = page.locator(`[data-testid="broadcast-row"][data-broadcast-id="${broadcastId}"]`);
  await row.locator('[data-testid="broadcast-status"][data-status="COMPLETED"]').waitFor();
  expect(await row.getByTestId('broadcast-sent').textContent()).toBe('2');
}

async function scheduleAndCancel(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const label = await seedLabel(workspace, 'Later', [[ANA, 'Ana Later']]);

  page = await openBroadcasts(workspace);
  await page.getByTestId('new-broadcast').click();
  await page.getByTestId('broadcast-name-input').fill('Tomorrow');
  await page.locator(`[data-testid="audience-label"][data-label-id="${label}"] input`).check();
  await page.getByTestId('broadcast-text').fill('See you tmorrow');
  await page.getByTestId('broadcast-save-draft').click();
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  const draftId = page.url().split('/').pop()!;
  await page.getByTestId('campaign').locator('[data-testid="broadcast-status"][data-status="DRAFT"]').waitFor();
  expect(await page.getByTestId('campaign-text').textContent()).toBe('See you tmorrow');

  // The draft opens in the composer as saved; the typo is fixed and it is scheduled.
  await page.getByTestId('campaign-edit').click();
  await page.waitForURL(`**/broadcasts/${draftId}/edit`);
  const text = page.getByTestId('broadcast-text');
  // The count comes once the saved audience is in the form.
  await page.getByTestId('audience-count').and(page.locator('[data-total="1"][data-sendable="1"]')).waitFor();
  expect(await page.getByTestId('broadcast-name-input').inputValue()).toBe('Tomorrow');
  expect(await text.inputValue()).toBe('See you tmorrow');
  await text.fill('See you tomorrow');
  await page.getByTestId('schedule-later').click();
  // A time in the past is refused before anything is created.
  await page.getByTestId('broadcast-scheduled-at').fill(await localDateTime(page, -3_600_000));
  await page.getByTestId('broadcast-start').click();
  await page.getByTestId('error-scheduled-at').filter({ hasText: 'must be in the future' }).waitFor();
  await page.getByTestId('broadcast-scheduled-at').fill(await localDateTime(page, 24 * 3_600_000));
  expect(await page.getByTestId('broadcast-start').textContent()).toBe('Schedule');
  await page.getByTestId('broadcast-start').click();
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  const broadcastId = page.url().split('/').pop()!;
  expect(broadcastId).toBe(draftId);
  const campaign = page.getByTestId('campaign');
  await campaign.locator('[data-testid="broadcast-status"][data-status="SCHEDULED"]').waitFor();
  expect(await campaign.getByTestId('campaign-text').textContent()).toBe('See you tomorrow');
  expect(await campaign.getByTestId('campaign-pause').count()).toBe(0);
  const [stored] = await query(suite.platform.databaseUrl, `select scheduled_at from broadcasts where id = $1`, [broadcastId]);
  expect(Math.abs(new Date(stored.scheduled_at).getTime() - (Date.now() + 24 * 3_600_000))).toBeLessThan(5 * 60_000);

  page.once('dialog', (dialog) => void dialog.accept());
  await campaign.getByTestId('campaign-cancel').click();
  await campaign.locator('[data-testid="broadcast-status"][data-status="CANCELLED"]').waitFor();
  expect(await campaign.getByTestId('campaign-cancel').count()).toBe(0);
  expect(await wire(broadcastId)).toBe(0);

  // A draft saved by mistake is deleted from its composer.
  await page.getByTestId('nav-broadcasts').click();
  await page.getByTestId('new-broadcast').click();
  await page.getByTestId('broadcast-name-input').fill('Scratch');
  await page.locator(`[data-testid="audience-label"][data-label-id="${label}"] input`).check();
  await page.getByTestId('broadcast-text').fill('Never mind');
  await page.getByTestId('broadcast-save-draft').click();
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  const scratchId = page.url().split('/').pop()!;
  await page.getByTestId('campaign-edit').click();
  await page.waitForURL(`**/broadcasts/${scratchId}/edit`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('broadcast-delete').click();
  await page.waitForURL(/\/broadcasts$/);
  await page.locator(`[data-testid="broadcast-row"][data-broadcast-id="${broadcastId}"]`).waitFor();
  expect(await page.locator(`[data-testid="broadcast-row"][data-broadcast-id="${scratchId}"]`).count()).toBe(0);
  expect(await query(suite.platform.databaseUrl, `select 1 from broadcasts where id = $1`, [scratchId])).toEqual([]);
}

async function pauseAndResume(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url, [{ keywords: ['ping'], matchType: 'EXACT', reply: 'pong' }]);
  const people: [string, string][] = Array.from({ length: 12 }, (_, i) => [`+49163100000${String(i).padStart(2, '0')}`, `Person ${i}`]);
  const label = await seedLabel(workspace, 'Paced', people);

  page = await openBroadcasts(workspace);
  await page.getByTestId('new-broadcast').click();
  await page.getByTestId('broadcast-name-input').fill('Paced');
  await page.locator(`[data-testid="audience-label"][data-label-id="${label}"] input`).check();
  await page.getByTestId('audience-count').and(page.locator('[data-total="12"][data-sendable="12"]')).waitFor();
  await page.getByTestId('broadcast-text').fill('Slowly now');
  // One a second: the pause lands while most are still pending.
  await page.getByTestId('broadcast-rate').fill('60');
  await page.getByTestId('broadcast-start').click();
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  const broadcastId = page.url().split('/').pop()!;
  const campaign = page.getByTestId('campaign');

  await waitFor('a first send', async () => (await wire(broadcastId)) > 0);
  await campaign.getByTestId('campaign-pause').click();
  await campaign.locator('[data-testid="broadcast-status"][data-status="PAUSED"]').waitFor();
  await campaign.getByTestId('campaign-resume').waitFor();
  const heldAt = await wire(broadcastId);
  expect(heldAt).toBeLessThan(12);

  // Barrier: a keyword reply on the same channel goes out after the pause, so the channel's worker is sending.
  const inbound = await simulateInbound(suite.platform.url, workspace, '+4915199999998', 'ping');
  await waitFor('the keyword reply', async () => (await query(suite.platform.databaseUrl, `select 1 from messages where reply_to_id = $1 and status = 'SENT'`, [inbound.id])).length > 0);
  expect(await wire(broadcastId)).toBe(heldAt);
  expect(Number(await campaign.getByTestId('count-pending').getAttribute('data-value'))).toBe(12 - heldAt);
  await suite.screenshot(page, 'broadcast-paused');

  await campaign.getByTestId('campaign-resume').click();
  await campaign.locator('[data-testid="broadcast-status"][data-status="COMPLETED"]').waitFor({ timeout: 60_000 });
  await campaign.locator('[data-testid="count-sent"][data-value="12"]').waitFor();
  expect(await wire(broadcastId)).toBe(12);
  expect(await campaign.getByTestId('campaign-pause').count()).toBe(0);
  expect(await campaign.getByTestId('campaign-cancel').count()).toBe(0);
}

async function openBroadcasts(workspace: TestWorkspace): Promise<Page> {
  const p = await suite.newPage(TIMEOUT);
  await p.goto(suite.platform.url);
  await signIn(p, workspace.email, OWNER_PASSWORD);
  await p.getByTestId('nav-broadcasts').click();
  await p.getByTestId('broadcasts-empty').waitFor();
  return p;
}

/** A label and its contacts, imported as a CSV would be. */
async function seedLabel(workspace: TestWorkspace, name: string, people: [string, string][]): Promise<string> {
  const { createLabel } = await gqlOk(suite.platform.url, `mutation($n: String!) { createLabel(input: { name: $n, color: "#4f46e5" }) { id } }`, { n: name }, workspace.token);
  const csv = ['phone,name', ...people.map(([phone, n]) => `${phone},${n}`)].join('\n');
  const { importContacts } = await gqlOk(suite.platform.url, `mutation($i: ImportContactsInput!) { importContacts(input: $i) { created errorCount } }`,
    { i: { csv, labelIds: [createLabel.id] } }, workspace.token);
  expect(importContacts).toEqual({ created: people.length, errorCount: 0 });
  return createLabel.id;
}

async function contactId(workspace: TestWorkspace, phone: string): Promise<string> {
  const { contacts } = await gqlOk(suite.platform.url, `query($s: String!) { contacts(filter: { search: $s }) { edges { node { id phone } } } }`, { s: phone }, workspace.token);
  return contacts.edges.find((e: { node: { phone: string } }) => e.node.phone === phone).node.id;
}

async function optOut(workspace: TestWorkspace, phone: string): Promise<void> {
  await gqlOk(suite.platform.url, `mutation($id: ID!) { updateContact(id: $id, input: { optedOut: true }) { id } }`, { id: await contactId(workspace, phone) }, workspace.token);
}

/** A `datetime-local` value `offsetMs` from now, in the browser's time zone. */
function localDateTime(p: Page, offsetMs: number): Promise<string> {
  return p.evaluate((offset) => {
    const at = new Date(Date.now() + offset);
    return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, offsetMs);
}

/** Distinct messages the simulator's wire got for the broadcast. */
async function wire(broadcastId: string): Promise<number> {
  const [row] = await query(suite.platform.databaseUrl, `select count(distinct wire_id)::int as n from simulator_deliveries where idempotency_key like $1`, [`broadcast:${broadcastId}:%`]);
  return row.n;
}
