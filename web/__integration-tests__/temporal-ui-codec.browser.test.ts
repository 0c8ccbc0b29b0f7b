/**
 * The Temporal Web UI that `npm start` runs shows Parley's encrypted payloads decoded only to a
 * signed-in OWNER: the embedded start (its own Postgres, and Temporal with the Web UI pointed at
 * <PUBLIC_URL>/codec), a conversation started on the simulator, then in Chromium its workflow's
 * page in the UI, set up as the start log tells an owner ("Use my browser setting", the codec URL,
 * cross-origin credentials). Before the dashboard sign-in the codec refuses and the contact's
 * number stays sealed; after it the UI shows the number, decoded through the HttpOnly codec cookie.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, freePort, gqlOk, simulateInbound } from '../../test/support/platform';
import { TEST_DATA, TEST_PG_PORT, TEST_TEMPORAL_PORT } from '../../test/support/services-env';
import { postgresDataDir } from '../../scripts/services';

const TIMEOUT = 60_000;
jest.setTimeout(300_000);

const dataDir = path.join(TEST_DATA, 'ui-codec-embedded');
let apiPort: number;
let uiPort: number;
beforeAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(postgresDataDir(path.join(dataDir, 'postgres')), { recursive: true, force: true });
  apiPort = await freePort();
  uiPort = await freePort();
});
const suite = browserSuite(() => ({
  embedded: { dataDir, postgresPort: TEST_PG_PORT + 80, temporalPort: TEST_TEMPORAL_PORT + 80 },
  env: { PORT: String(apiPort), PUBLIC_URL: `http://localhost:${apiPort}`, TEMPORAL_UI_PORT: String(uiPort) },
}));

const PHONE = '+351912345678';

test("the Temporal Web UI decodes a conversation's payloads through the codec for the signed-in owner only", async () => {
  await suite.run('temporal-ui-codec', uiDecodes);
});

async function uiDecodes(): Promise<void> {
  const shop = await createWorkspace(suite.platform.url);
  const { conversationId } = await simulateInbound(suite.platform.url, shop, PHONE, 'Where is parcel 4711?');
  const { conversation } = await gqlOk(suite.platform.url, `query($id: ID!) { conversation(id: $id) { temporalUrl } }`, { id: conversationId }, shop.token);
  expect(conversation.temporalUrl).toMatch(new RegExp(`^http://localhost:${uiPort}/namespaces/default/workflows/`));

  const page = await suite.newPage(TIMEOUT);
  // The UI keeps its codec setting in its own localStorage: what its "Configure Codec Server" dialog saves.
  await page.goto(`http://localhost:${uiPort}/`);
  await page.evaluate((endpoint) => {
    localStorage.setItem('endpoint', JSON.stringify(endpoint));
    localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    localStorage.setItem('includeCredentials', 'true');
  }, `http://localhost:${apiPort}/codec`);

  // Not signed in to the dashboard: the UI's decode request is refused, the number stays sealed.
  const refused = await openWorkflow(page, conversation.temporalUrl);
  expect(refused.status()).toBe(401);
  expect(await page.evaluate(() => document.body.innerText)).not.toContain(PHONE.slice(1));

  // Signed in as the owner on the dashboard (same site): the cookie goes with the UI's requests.
  await page.goto(`http://localhost:${apiPort}/signin`);
  await signIn(page, shop.email, 'correct horse battery');
  await page.waitForURL(/\/inbox/);
  const decoded = await openWorkflow(page, conversation.temporalUrl);
  expect(decoded.status()).toBe(200);
  await page.waitForFunction((digits) => document.body.innerText.includes(digits), PHONE.slice(1));
  await suite.screenshot(page, 'temporal-ui-codec');
}

/** Opens the workflow's page in the UI; resolves with the UI's first codec decode response. */
async function openWorkflow(page: Page, url: string): Promise<Response> {
  const [decode] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`http://localhost:${apiPort}/codec/decode`) && r.request().method() === 'POST'),
    page.goto(url),
  ]);
  return decode;
}
