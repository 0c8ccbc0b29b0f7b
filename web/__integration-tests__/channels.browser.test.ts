import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace } from '../../test/support/platform';
import { startFakeBaileys, type FakeBaileys } from '../../test/support/fake-baileys';
import { readFixture } from '../../test/support/fixtures';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';

jest.setTimeout(120_000);

let fake: FakeBaileys;
beforeAll(async () => {
  fake = await startFakeBaileys();
});
const suite = browserSuite(() => ({ env: fake.env }));
afterAll(() => fake?.close());

test('a WhatsApp Web channel added on the Channels page shows its QR code, then CONNECTED live when the phone links', async () => {
  await suite.run('channels', async () => {
    const workspace = await createWorkspace(suite.platform.url);
    const page = await suite.newPage(TIMEOUT);
    await page.goto(suite.platform.url);
    await signIn(page, workspace.email, OWNER_PASSWORD);
    await page.getByTestId('nav-channels').click();

    await page.getByTestId('channel-kind-baileys').check();
    await page.getByTestId('channel-name').fill('Shop phone');
    await page.getByTestId('channel-submit').click();
    const row = page.getByTestId('channel-row').filter({ hasText: 'Shop phone' });
    const channelId = (await row.getAttribute('data-channel-id'))!;

    const socket = await fake.socket(channelId);
    socket.emit('connection.update', readFixture('baileys/connection-update-qr.json'));
    const qr = row.getByTestId('baileys-qr');
    await qr.waitFor();
    const firstQr = await qr.getAttribute('src');
    expect(firstQr).toMatch(/^data:image\/png;base64,/);
    await suite.screenshot(page, 'channels-qr');
    // WhatsApp rotates the QR: the page shows the new one without a reload.
    socket.emit('connection.update', { qr: '2@rotated,code,for,test' });
    await page.waitForFunction(([id, before]) => document.querySelector(`[data-channel-id="${id}"] [data-testid="baileys-qr"]`)?.getAttribute('src') !== before, [channelId, firstQr] as const);

    socket.emit('connection.update', { connection: 'open' });
    await row.getByTestId('channel-status').filter({ hasText: 'connected' }).waitFor();
    await qr.waitFor({ state: 'detached' });
    await row.getByTestId('baileys-disconnect').waitFor();
  });
});
