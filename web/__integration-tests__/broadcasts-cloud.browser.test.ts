/**
 * A template broadcast over a Cloud API channel, composed in a real browser (issue 12): the approved
 * template picked from the synced list, its variables with {{contact.name}}, the preview per contact,
 * and what the (fake, wire-compatible) Graph API received for each recipient.
 */
import type { Page } from 'playwright-core';
import { cloudApiBrowserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gqlOk } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const TOKEN = 'EAAG-broadcast-token';
const PHONE_NUMBER_ID = '7780001';
const WABA = '7780002';
const ANA = '+4916400000001';
const BEN = '+4916400000002';

jest.setTimeout(150_000);

const suite = cloudApiBrowserSuite({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, waba: WABA });
let page: Page;

test('a Cloud API broadcast sends an approved template with each contact\'s name in its variables', async () => {
  await suite.run('broadcasts-cloud', templateBroadcast);
});

async function templateBroadcast(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);
  const api = (q: string, v: object = {}) => gqlOk(suite.platform.url, q, v, workspace.token);
  const { createChannel } = await api(`mutation { createChannel(input: { kind: CLOUD_API, name: "Shop number" }) { id } }`);
  const channelId: string = createChannel.id;
  const credentials = JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, businessAccountId: WABA, accessToken: TOKEN, appSecret: 'app-secret', verifyToken: 'verify' });
  const { updateChannelCredentials } = await api(`mutation($i: UpdateChannelCredentialsInput!) { updateChannelCredentials(input: $i) { status } }`, { i: { channelId, credentials } });
  expect(updateChannelCredentials.status).toBe('CONNECTED');
  await api(`mutation($c: ID!) { syncTemplates(channelId: $c) { id } }`, { c: channelId });
  const { createLabel } = await api(`mutation { createLabel(input: { name: "Orders", color: "#4f46e5" }) { id } }`);
  await api(`mutation($i: ImportContactsInput!) { importContacts(input: $i) { created } }`,
    { i: { csv: `phone,name\n${ANA},Ana Cloud\n${BEN},Ben Cloud`, labelIds: [createLabel.id] } });

  page = await suite.newPage(TIMEOUT);
  await page.goto(suite.platform.url);
  await signIn(page, workspace.email, OWNER_PASSWORD);
  await page.getByTestId('nav-broadcasts').click();
  await page.getByTestId('new-broadcast').click();
  await page.getByTestId('broadcast-name-input').fill('Orders ready');
  await page.getByTestId('broadcast-channel').selectOption(channelId);
  await page.locator(`[data-testid="audience-label"][data-label-id="${createLabel.id}"] input`).check();
  await page.getByTestId('audience-count').and(page.locator('[data-total="2"][data-sendable="2"]')).waitFor();

  await page.getByTestId('message-kind-template').click();
  await page.getByTestId('template-pick').selectOption('order_ready|en_US');
  const variables = page.getByTestId('template-variable');
  await variables.nth(1).waitFor();
  expect(await variables.count()).toBe(2);
  expect(await page.getByTestId('template-name').inputValue()).toBe('order_ready');
  expect(await page.getByTestId('template-language').inputValue()).toBe('en_US');
  // The variable hint goes into the template variable last focused.
  await variables.nth(0).click();
  await page.locator('[data-testid="variable-hint"][data-token="{{contact.name}}"]').click();
  expect(await variables.nth(0).inputValue()).toBe('{{contact.name}}');
  await variables.nth(1).fill('#42');

  const anaId = await contactId(workspace.token, ANA);
  await page.getByTestId('preview-contact').selectOption(anaId);
  await page.getByTestId('preview-variable').filter({ hasText: 'Ana Cloud' }).waitFor();
  expect(await page.getByTestId('preview-variable').allTextContents()).toEqual(['Ana Cloud', '#42']);
  await suite.screenshot(page, 'broadcast-template');

  await page.getByTestId('broadcast-start').click();
  await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  const campaign = page.getByTestId('campaign');
  await campaign.locator('[data-testid="broadcast-status"][data-status="COMPLETED"]').waitFor();
  await campaign.locator('[data-testid="count-sent"][data-value="2"]').waitFor();

  for (const [phone, name] of [[ANA, 'Ana Cloud'], [BEN, 'Ben Cloud']]) {
    const sends = suite.graph.sends(phone);
    expect(sends).toHaveLength(1);
    expect(sends[0].body.template).toEqual({
      name: 'order_ready', language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: name }, { type: 'text', text: '#42' }] }],
    });
  }
}

async function contactId(token: string, phone: string): Promise<string> {
  const { contacts } = await gqlOk(suite.platform.url, `query($s: String!) { contacts(filter: { search: $s }) { edges { node { id phone } } } }`, { s: phone }, token);
  return contacts.edges.find((e: { node: { phone: string } }) => e.node.phone === phone).node.id;
}
