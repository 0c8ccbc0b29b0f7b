import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk } from '../../test/support/platform';

const TIMEOUT = 30_000;
const PRICE_REPLY = 'Our prices start at 10 EUR';
const OWNER_PASSWORD = 'correct horse battery';
const CLOUD_LIKE = 'Cloud-like wire';
// The simulator's wire drops the connection right after taking the first attempt of a send to these numbers.
const DROPS_ON_IDEMPOTENT_WIRE = '+99910001111';
const DROPS_ON_CLOUD_LIKE_WIRE = '+99910002222';

jest.setTimeout(120_000);

const suite = browserSuite();
let page: Page;

test('the thread shows a retried send with its attempts, and a send that may not have arrived with why and a resend', async () => {
  await suite.run('send-status', sendStatuses);
});

async function sendStatuses(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url, [{ keywords: ['price'], matchType: 'CONTAINS', reply: PRICE_REPLY }]);
  // Like the Cloud API: the wire deduplicates nothing, so an ambiguous send is never retried blindly.
  await gqlOk(suite.platform.url, `mutation($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
    { input: { kind: 'SIMULATOR', name: CLOUD_LIKE, simulator: { idempotentWire: false } } }, workspace.token);

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('phone-panel').waitFor();

  // On a wire that takes a repeated send as the same message, the dropped send is retried and arrives.
  await customerSays('Sim', DROPS_ON_IDEMPOTENT_WIRE, 'what is the price?');
  const retried = botReply(DROPS_ON_IDEMPOTENT_WIRE);
  await retried.locator('[data-testid="message-status"][aria-label$="(2 attempts)"]').waitFor();
  expect(await retried.getAttribute('data-status')).toMatch(/^(SENT|DELIVERED|READ)$/);

  // On one that does not, it is not resent blindly: UNCERTAIN, with the reason.
  await customerSays(CLOUD_LIKE, DROPS_ON_CLOUD_LIKE_WIRE, 'what is the price?');
  const uncertain = botReply(DROPS_ON_CLOUD_LIKE_WIRE);
  await uncertain.and(page.locator('[data-status="UNCERTAIN"]')).waitFor();
  expect(await uncertain.getByTestId('uncertain-reason').innerText()).toContain('socket hang up');
  expect(await uncertain.getByTestId('message-status').getAttribute('aria-label')).toBe('May not have been sent');
  await suite.screenshot(page, 'thread-uncertain');

  // Resend: a copy goes out as a new message under its own key (this wire drops its first attempt too).
  expect(await retried.getByTestId('resend').count()).toBe(0);
  await uncertain.getByTestId('resend').click();
  await uncertain.nth(1).and(page.locator('[data-status="UNCERTAIN"]')).waitFor();
  expect(await uncertain.count()).toBe(2);
  expect(await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: PRICE_REPLY }).count()).toBe(2);
}

async function customerSays(channel: string, phone: string, text: string): Promise<void> {
  await page.getByTestId('phone-channel').selectOption({ label: channel });
  await page.getByTestId('phone-number').fill(phone);
  await page.getByTestId('phone-number').press('Tab');
  await page.getByTestId('phone-input').fill(text);
  await page.getByTestId('phone-send').click();
  await page.locator('[data-testid="phone-bubble"][data-direction="INBOUND"]', { hasText: text }).waitFor();
  await page.locator('[data-testid="conversation-item"]', { hasText: phone.slice(1) }).click();
}

/** The bot's reply in the open thread of `phone`'s conversation. */
function botReply(phone: string) {
  return page.locator(`[data-testid="thread"]:has([data-testid="thread-name"]:text-matches("${phone.slice(1)}"))`)
    .locator('[data-testid="thread-bubble"][data-sender-type="BOT"]', { hasText: PRICE_REPLY });
}
