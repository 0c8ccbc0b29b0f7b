import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { gql, waitFor } from '../../test/support/platform';

const TIMEOUT = 60_000;
const PRICE_REPLY = 'Our prices start at 10 EUR';
const AGENT_REPLY = 'Hi, a human here';

jest.setTimeout(240_000);

const suite = browserSuite();
let page: Page;

test('a customer gets the keyword reply, then an agent takes over and the bot stays quiet', async () => {
  await suite.run('inbox', customerAndAgentChat);
});

async function customerAndAgentChat(): Promise<void> {
  const email = `agent-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const signUp = await gql<{ signUp: { accessToken: string } }>(suite.platform.url,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { email, password, name: 'Ana Agent', workspaceName: 'Acme Bikes' } });
  expect(signUp.errors).toBeUndefined();
  const token = signUp.data!.signUp.accessToken;

  const channel = await gql(suite.platform.url,
    `mutation($input: CreateChannelInput!) { createChannel(input: $input) { id kind } }`,
    { input: { kind: 'SIMULATOR', name: 'Test phone' } }, token);
  expect(channel.errors).toBeUndefined();
  const rule = await gql(suite.platform.url,
    `mutation($input: CreateKeywordRuleInput!) { createKeywordRule(input: $input) { id } }`,
    { input: { keywords: ['price'], matchType: 'CONTAINS', reply: PRICE_REPLY } }, token);
  expect(rule.errors).toBeUndefined();

  page = await suite.newPage(TIMEOUT);

  // Sign in through the UI; a wrong password shows the server's error message.
  await page.goto(suite.platform.url);
  await signIn(page, email, 'not the password');
  const authError = page.getByTestId('auth-error');
  await authError.waitFor();
  expect((await authError.innerText()).trim()).not.toBe('');
  await signIn(page, email, password);

  // The customer asks for the price from the simulator phone; the keyword rule answers.
  await page.getByTestId('phone-panel').waitFor();
  await customerSays('what is the price?');
  await phoneBubble('OUTBOUND', PRICE_REPLY).waitFor();

  // The agent sees the same exchange in the inbox thread.
  const item = page.getByTestId('conversation-item').first();
  await item.click();
  await threadBubble('INBOUND', 'what is the price?').waitFor();
  await page.locator('[data-testid="thread-bubble"][data-sender-type="BOT"]', { hasText: PRICE_REPLY }).waitFor();
  await page.locator('[data-testid="thread-bubble"][data-sender-type="BOT"] [data-testid="bubble-sender"]', { hasText: 'Bot' }).waitFor();
  const conversationId = await item.getAttribute('data-conversation-id');
  expect(conversationId).toBeTruthy();

  // Take over: the mode flips to HUMAN, in the thread and in the list.
  await page.getByTestId('take-over').click();
  await page.locator('[data-testid="thread-mode"][data-mode="HUMAN"]').waitFor();
  await page.getByTestId('release').waitFor();
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"][data-mode="HUMAN"]`).waitFor();

  // While taken over, the customer writes again: the agent sees it live; the bot does not answer.
  await customerSays('price again?');
  await threadBubble('INBOUND', 'price again?').waitFor();

  await page.getByTestId('reply-input').fill(AGENT_REPLY);
  await page.getByTestId('reply-send').click();
  await page.locator('[data-testid="thread-bubble"][data-sender-type="HUMAN"]', { hasText: AGENT_REPLY }).waitFor();
  await page.locator('[data-testid="phone-bubble"][data-sender-type="HUMAN"]', { hasText: AGENT_REPLY }).waitFor();

  // The workflow handles events in order: with the agent's reply sent, a bot reply to "price again?" would be stored already.
  const stored = await storedConversation(conversationId!, token);
  expect(stored.mode).toBe('HUMAN');
  expect(stored.messages.map((m) => `${m.senderType}: ${m.text}`)).toEqual([
    'CONTACT: what is the price?',
    `BOT: ${PRICE_REPLY}`,
    'CONTACT: price again?',
    `HUMAN: ${AGENT_REPLY}`,
  ]);
  expect(await page.locator('[data-testid="phone-bubble"][data-sender-type="BOT"]').count()).toBe(1);
  expect(await page.locator('[data-testid="thread-bubble"][data-sender-type="BOT"]').count()).toBe(1);

  await suite.screenshot(page, 'inbox');

  // Back to the bot, then the agent blocks the contact: their messages still arrive, unanswered.
  await page.getByTestId('release').click();
  await page.locator('[data-testid="thread-mode"][data-mode="BOT"]').waitFor();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('block-contact').click();
  await page.getByTestId('thread-blocked').waitFor();
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"] [data-testid="blocked-badge"]`).waitFor();
  await customerSays('price, once more?');
  await threadBubble('INBOUND', 'price, once more?').waitFor();
  await suite.screenshot(page, 'inbox-blocked');

  // Unblocked, the bot answers the next message, and only that one: its reply is the barrier
  // (in order, a reply to the blocked message would have come first).
  await page.getByTestId('unblock-contact').click();
  await page.getByTestId('thread-blocked').waitFor({ state: 'detached' });
  await customerSays('and the price now?');
  await page.locator('[data-testid="thread-bubble"][data-sender-type="BOT"]').nth(1).waitFor();
  const after = await waitFor('the reply to the message after unblocking', async () => {
    const current = await storedConversation(conversationId!, token);
    return current.messages.at(-1)?.senderType === 'BOT' && current.messages.at(-2)?.text === 'and the price now?' && current;
  });
  expect(after.messages.map((m) => `${m.senderType}: ${m.text}`)).toEqual([
    'CONTACT: what is the price?',
    `BOT: ${PRICE_REPLY}`,
    'CONTACT: price again?',
    `HUMAN: ${AGENT_REPLY}`,
    'CONTACT: price, once more?',
    'CONTACT: and the price now?',
    `BOT: ${PRICE_REPLY}`,
  ]);
  expect(await page.locator('[data-testid="thread-bubble"][data-sender-type="BOT"]').count()).toBe(2);

  // A cold start on the thread's link: the thread and the phone each load the conversation once,
  // when the live streams are open (not once more when they open), and then follow it live.
  let loads = 0;
  page.on('request', (request) => {
    const body = request.method() === 'POST' && request.url().endsWith('/graphql') ? request.postDataJSON() : null;
    if (/^query Conversation\(/.test(body?.query ?? '') && body.variables?.id === conversationId) loads += 1;
  });
  await page.goto(`${suite.platform.url}/inbox/${conversationId}`);
  await threadBubble('INBOUND', 'and the price now?').waitFor();
  await customerSays('one more question');
  await threadBubble('INBOUND', 'one more question').waitFor();
  expect(loads).toBe(2);
}

async function storedConversation(id: string, token: string) {
  const result = await gql<{ conversation: { mode: string; messages: { senderType: string; text: string }[] } }>(suite.platform.url,
    `query($id: ID!) { conversation(id: $id) { mode messages { senderType text } } }`, { id }, token);
  expect(result.errors).toBeUndefined();
  return result.data!.conversation;
}

async function customerSays(text: string): Promise<void> {
  await page.getByTestId('phone-input').fill(text);
  await page.getByTestId('phone-send').click();
  await phoneBubble('INBOUND', text).waitFor();
}

function phoneBubble(direction: 'INBOUND' | 'OUTBOUND', text: string) {
  return page.locator(`[data-testid="phone-bubble"][data-direction="${direction}"]`, { hasText: text });
}

function threadBubble(direction: 'INBOUND' | 'OUTBOUND', text: string) {
  return page.locator(`[data-testid="thread-bubble"][data-direction="${direction}"]`, { hasText: text });
}
