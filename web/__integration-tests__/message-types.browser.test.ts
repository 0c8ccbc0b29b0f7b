/**
 * The thread shows what customers send beyond text: an image (loaded through its signed URL), a
 * location with its map link, a quoted reply (a click scrolls to the quoted message) and a reaction
 * under the bubble it reacts to, plus a READ receipt on the bot's reply, all arriving live. The
 * messages come in through simulateInbound (its type, mediaUrl, location, replyToMessageId and
 * reaction fields), the receipt through the receipt sink on the platform's database.
 */
import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk, waitFor, type TestWorkspace } from '../../test/support/platform';
import { settledReply } from '../../test/support/sends';
import { solidPng } from '../../test/support/png';
import { createOrm } from '../../schema/orm';
import { createReceiptSink } from '../../connector/receipts';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const CUSTOMER = '+4915100006001';

jest.setTimeout(120_000);

const suite = browserSuite();
let page: Page;
let shop: TestWorkspace;

test('the thread shows an image, a location, a quoted reply, a reaction and a read receipt', async () => {
  await suite.run('message-types', messageTypes);
});

async function simulate(input: Record<string, unknown>): Promise<{ id: string; conversationId: string }> {
  const { simulateInbound } = await gqlOk(suite.platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
    { i: { channelId: shop.channelId, from: CUSTOMER, ...input } }, shop.token);
  return simulateInbound;
}

async function messageTypes(): Promise<void> {
  shop = await createWorkspace(suite.platform.url);
  const first = await simulate({ text: 'Do you deliver to Kreuzberg?' });
  const reply = await settledReply(suite.platform.databaseUrl, first.id);

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, shop.email, OWNER_PASSWORD);
  await page.locator('[data-testid="conversation-item"]', { hasText: CUSTOMER.slice(1) }).click();
  const thread = page.getByTestId('thread-messages');
  await thread.locator('[data-testid="thread-bubble"]', { hasText: 'Do you deliver to Kreuzberg?' }).waitFor();

  // Live, into the open thread.
  const image = await simulate({ type: 'IMAGE', text: 'This is our door', mediaUrl: `data:image/png;base64,${solidPng(160, 100, [16, 163, 127]).toString('base64')}` });
  await simulate({ type: 'LOCATION', text: '📍 location: Cafe Uno', location: { latitude: 52.4986, longitude: 13.4033, name: 'Cafe Uno', address: 'Oranienstraße 1, Berlin' } });
  const quoting = await simulate({ text: 'So, do you?', replyToMessageId: first.id });
  await simulate({ type: 'REACTION', text: '👍', reaction: { messageId: reply.id, emoji: '👍' } });

  // The image loads through its signed URL (stored by the channel's download beside the bot's reply).
  const img = thread.locator(`[data-message-id="${image.id}"] [data-testid="media-image"]`);
  await img.waitFor();
  await waitFor('the image to load', async () => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 160));
  expect(await img.getAttribute('src')).toMatch(new RegExp(`^/media/${image.id}\\?expires=\\d+&signature=`));
  expect(await thread.locator(`[data-message-id="${image.id}"] [data-testid="media-image-link"]`).getAttribute('target')).toBe('_blank');

  const location = thread.getByTestId('message-location');
  await location.waitFor();
  expect(await location.innerText()).toContain('Cafe Uno');
  expect(await location.innerText()).toContain('Oranienstraße 1, Berlin');
  expect(await location.getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=52.4986&mlon=13.4033#map=17/52.4986/13.4033');

  const quote = thread.locator(`[data-message-id="${quoting.id}"] [data-testid="quoted-message"]`);
  await quote.waitFor();
  expect(await quote.innerText()).toContain('Customer');
  expect(await quote.innerText()).toContain('Do you deliver to Kreuzberg?');
  expect(await quote.getAttribute('data-quoted-id')).toBe(first.id);

  const reaction = thread.locator(`[data-message-id="${reply.id}"] [data-testid="reaction"]`);
  await reaction.waitFor();
  expect(await reaction.innerText()).toBe('👍');
  expect(await reaction.getAttribute('data-from-contact')).toBe('true');

  // The customer read the bot's reply: the ticks turn blue live.
  const orm = await createOrm(suite.platform.databaseUrl, 1);
  try {
    await createReceiptSink(orm).apply([{ channelId: shop.channelId, externalId: reply.external_id!, status: 'READ', at: new Date() }]);
  } finally {
    await orm.close();
  }
  await thread.locator(`[data-message-id="${reply.id}"] [data-testid="message-status"][data-status="READ"]`).waitFor();
  await suite.screenshot(page, 'thread-message-types');

  // The quote takes the agent to the quoted message.
  await thread.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await quote.click();
  await thread.locator(`[data-message-id="${first.id}"].bubble-highlight`).waitFor();
  expect(await thread.locator(`[data-message-id="${first.id}"]`).isVisible()).toBe(true);
}
