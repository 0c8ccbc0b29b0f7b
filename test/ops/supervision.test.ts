/**
 * Supervision of a real embedded `npm start`: kill -9 of its platform child brings the platform
 * back by itself, on the same Postgres and Temporal server, and the log says why it died.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createWorkspace, freePort, gqlOk, startPlatform, waitFor, type PlatformProcess, type TestWorkspace } from '../support/platform';
import { TEST_DATA, TEST_PG_PORT, TEST_TEMPORAL_PORT } from '../support/services-env';
import { isAlive, postgresDataDir } from '../../scripts/services';

const REPLY = 'Your order is on its way.';

async function replyTo(platform: PlatformProcess, shop: TestWorkspace, from: string, text: string): Promise<string> {
  const { simulateInbound } = await gqlOk(
    platform.url,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
    { i: { channelId: shop.channelId, from, text } },
    shop.token,
  );
  return waitFor(
    `the reply to "${text}"`,
    async () => {
      const { conversation } = await gqlOk(
        platform.url,
        `query($id: ID!) { conversation(id: $id) { messages { direction text status } } }`,
        { id: simulateInbound.conversationId },
        shop.token,
      );
      const reply = conversation.messages.find((m: { direction: string; status: string }) => m.direction === 'OUTBOUND' && m.status === 'SENT');
      return reply?.text as string | undefined;
    },
    90_000,
  );
}

const childPids = (output: string) => [...output.matchAll(/platform started \(pid (\d+)\)/g)].map((m) => Number(m[1]));

it('restarts the platform child after kill -9, keeps the services up, answers again and logs the cause', async () => {
  const dataDir = path.join(TEST_DATA, 'supervision');
  const pgData = postgresDataDir(path.join(dataDir, 'postgres'));
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(pgData, { recursive: true, force: true });
  // A fixed port (not 0), so the restarted child serves where the first one did.
  const embedded = { dataDir, postgresPort: TEST_PG_PORT + 60, temporalPort: TEST_TEMPORAL_PORT + 60 };
  const platform = await startPlatform({ embedded, detached: true, env: { PORT: String(await freePort()) } });
  try {
    const shop = await createWorkspace(platform.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
    expect(await replyTo(platform, shop, '+4915100006001', 'where is my order?')).toBe(REPLY);

    const servicePids = [path.join(pgData, 'postmaster.pid'), path.join(dataDir, 'temporal.db.pid')].map((file) => Number(fs.readFileSync(file, 'utf8').split('\n')[0]));
    const [first] = childPids(platform.output());
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');

    await waitFor('a new platform child to serve GraphQL', async () => childPids(platform.output()).length === 2 && (platform.output().match(/GraphQL\s+http/g) ?? []).length === 2, 60_000);
    expect(platform.output()).toMatch(new RegExp(`platform \\(pid ${first}\\) was killed by SIGKILL .*restarting in 1\\.0 s \\(crash 1 in a row\\)`));
    expect(platform.process.exitCode).toBeNull();
    expect(servicePids.filter((pid) => !isAlive(pid))).toEqual([]);

    // The same account, the same rule: the restarted platform answers a new contact and an old one.
    expect(await replyTo(platform, shop, '+4915100006002', 'a new order please')).toBe(REPLY);
    expect(await replyTo(platform, shop, '+4915100006001', 'one more order')).toBe(REPLY);
  } finally {
    await platform.stop();
  }
});
