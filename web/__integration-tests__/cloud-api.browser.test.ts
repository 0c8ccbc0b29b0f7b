import type { Page } from 'playwright-core';
import { cloudApiBrowserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, query, waitFor } from '../../test/support/platform';
import { postWebhook, textWebhook } from '../../test/support/cloud-api';
import { settledReply } from '../../test/support/sends';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const TOKEN = 'EAAG-browser-token';
const PHONE_NUMBER_ID = '7770001';
const WABA = '7770002';

jest.setTimeout(120_000);

const suite = cloudApiBrowserSuite({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, waba: WABA });
let page: Page;

test('an owner adds a Cloud API number (field errors, credentials checked by Meta, webhook URL and verify token, templates synced), and a closed window offers a template in the thread', async () => {
  await suite.run('cloud-api-channel', async () => {
    const workspace = await createWorkspace(suite.platform.url);
    page = await suite.newPage(TIMEOUT);
    await page.goto(suite.platform.url);
    await signIn(page, workspace.email, OWNER_PASSWORD);
    await page.getByTestId('nav-channels').click();

    await page.getByTestId('channel-kind-cloud_api').check();
    await page.getByTestId('channel-name').fill('Shop number');
    await page.getByTestId('channel-submit').click();
    const panel = page.getByTestId('cloud-panel');
    await panel.waitFor();
    const row = page.locator('[data-testid="channel-row"]', { hasText: 'Shop number' });
    await row.getByText('pending').waitFor();
    const channelId = await panel.getAttribute('data-channel-id');
    expect(await panel.getByTestId('cloud-webhook-url').inputValue()).toBe(`https://parley.example/webhooks/whatsapp/${channelId}`);

    // A missing field is named next to it.
    await panel.getByTestId('cloud-phoneNumberId').fill(PHONE_NUMBER_ID);
    await panel.getByTestId('cloud-businessAccountId').fill(WABA);
    await panel.getByTestId('cloud-appSecret').fill('app-secret');
    await panel.getByTestId('cloud-verifyToken').fill('my-verify-token');
    await panel.getByTestId('cloud-credentials-save').click();
    expect(await panel.getByTestId('cloud-accessToken-error').innerText()).toBe('is required');
    await panel.getByTestId('cloud-accessToken').fill(TOKEN);
    await panel.getByTestId('cloud-credentials-save').click();
    await row.getByTestId('channel-status').getByText('connected').waitFor();
    await page.getByTestId('cloud-connection').getByText('Connected: Meta accepted the credentials.').waitFor();
    expect(await panel.getByTestId('cloud-verify-token').inputValue()).toBe('my-verify-token');

    await panel.getByTestId('cloud-templates-sync').click();
    const template = panel.getByTestId('cloud-template');
    await template.waitFor();
    expect(await template.innerText()).toContain('order_ready');
    expect(await template.innerText()).toContain('2 variables');
    await suite.screenshot(page, 'cloud-api-panel');

    // A customer wrote two days ago: the thread's composer offers the approved templates instead of free text.
    const from = '+4915500000001';
    expect((await postWebhook(suite.platform.url, channelId!, textWebhook({ phoneNumberId: PHONE_NUMBER_ID, from, text: 'hello', id: 'wamid.browser-1' }), 'app-secret')).status).toBe(200);
    const [stored] = await waitFor('the inbound row', () => query(suite.platform.databaseUrl, `select id, conversation_id from messages where external_id = 'wamid.browser-1'`).then((r) => (r.length ? r : null)));
    // The bot's default reply goes out first (in the window), then the customer's message is made two days old.
    await settledReply(suite.platform.databaseUrl, stored.id);
    await query(suite.platform.databaseUrl, `update messages set created_at = now() - interval '2 days' where id = $1`, [stored.id]);
    await page.getByTestId('nav-inbox').click();
    await page.locator('[data-testid="conversation-item"]', { hasText: 'Customer' }).click();
    const picker = page.getByTestId('template-picker');
    await picker.waitFor();
    expect(await page.getByTestId('reply-input').count()).toBe(0);
    await picker.getByTestId('template-select').selectOption({ label: 'order_ready (en_US)' });
    await picker.getByTestId('template-variable-1').fill('Ana');
    await picker.getByTestId('template-variable-2').fill('#42');
    await picker.getByTestId('template-send').click();
    await page.locator('[data-testid="thread-bubble"]', { hasText: 'Hi Ana, order #42 is ready' }).waitFor();
    await waitFor('the template on the Graph API', async () => suite.graph.sends(from).length === 2);
    expect(suite.graph.sends(from)[1].body.template).toEqual({ name: 'order_ready', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#42' }] }] });
    await suite.screenshot(page, 'cloud-api-template-picker');
  });
});
