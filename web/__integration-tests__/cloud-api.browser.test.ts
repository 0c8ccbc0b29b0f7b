import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace } from '../../test/support/platform';
import { startFakeGraphApi, type FakeGraphApi } from '../../test/support/fake-graph-api';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const TOKEN = 'EAAG-browser-token';
const PHONE_NUMBER_ID = '7770001';
const WABA = '7770002';

jest.setTimeout(120_000);

let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await startFakeGraphApi();
  graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  graph.setTemplates(WABA, [{ name: 'order_ready', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready' }] }]);
});
afterAll(() => graph?.close());

const suite = browserSuite(() => ({ env: { GRAPH_API_URL: graph.url, PUBLIC_URL: 'https://parley.example' } }));
let page: Page;

test('an owner adds a Cloud API number: field errors, credentials checked by Meta, the webhook URL and verify token to copy, templates synced', async () => {
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
    await panel.getByTestId('cloud-credentials-result').getByText('Connected').waitFor();
    await row.getByText('connected').waitFor();
    expect(await panel.getByTestId('cloud-verify-token').inputValue()).toBe('my-verify-token');

    await panel.getByTestId('cloud-templates-sync').click();
    const template = panel.getByTestId('cloud-template');
    await template.waitFor();
    expect(await template.innerText()).toContain('order_ready');
    expect(await template.innerText()).toContain('2 variables');
    await suite.screenshot(page, 'cloud-api-panel');
  });
});
