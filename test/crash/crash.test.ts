/**
 * Crash safety with real processes: kill -9 the worker role, then the whole `npm start`
 * process group together with its Postgres and Temporal server, in the middle of 200 inbound
 * messages from 20 contacts. Every accepted message must survive and get exactly one reply.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createWorkspace, gql, gqlOk, query, startPlatform, waitFor, type PlatformProcess } from '../support/platform';
import { TEST_DATA, TEST_PG_PORT, TEST_TEMPORAL_PORT } from '../support/services-env';
import { postgresDataDir } from '../../scripts/services';
import { expectEachReplyOnceOnTheWire } from '../support/sends';

const MESSAGES = 200;
const CONTACTS = 20;
const IN_FLIGHT = 8;
const REPLY = 'Your order is confirmed.';

interface Target {
  url: string;
  token: string;
  channelId: string;
}

/**
 * Sends MESSAGES inbound messages, IN_FLIGHT at a time, through the API; calls `midway` once
 * after `at` were accepted. Returns the ids the API accepted (a request cut off by a crash is not).
 */
async function sendLoad(target: () => Target, at: number, midway: () => Promise<void>): Promise<Set<string>> {
  const accepted = new Set<string>();
  let next = 0;
  let fired = false;
  const one = async (i: number) => {
    const { url, token, channelId } = target();
    const from = `+491510000${String(1000 + (i % CONTACTS))}`;
    try {
      const result = await gql(
        url,
        `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
        { i: { channelId, from, text: `order ${i}`, messageId: `wamid.crash-${i}` } },
        token,
      );
      if (result.data) accepted.add(result.data.simulateInbound.id);
    } catch {
      // The process died under this request: it was never accepted.
    }
    if (!fired && accepted.size >= at) {
      fired = true;
      await midway();
    }
  };
  const lanes = Array.from({ length: IN_FLIGHT }, async () => {
    while (next < MESSAGES) await one(next++);
  });
  await Promise.all(lanes);
  return accepted;
}

interface ReplyCount {
  inbound_id: string;
  replies: number;
  sent: number;
}

/** For every stored inbound message: how many bot replies exist, and how many were SENT. */
async function replyCounts(databaseUrl: string): Promise<ReplyCount[]> {
  return query<ReplyCount>(
    databaseUrl,
    `select i.id as inbound_id, count(r.id)::int as replies, count(r.id) filter (where r.status = 'SENT')::int as sent
     from messages i left join messages r on r.reply_to_id = i.id
     where i.direction = 'INBOUND' group by i.id`,
  );
}

async function expectExactlyOneReplyEach(databaseUrl: string, accepted: Set<string>): Promise<void> {
  const counts = await waitFor(
    'every inbound message to have its reply sent',
    async () => {
      const rows = await replyCounts(databaseUrl);
      return rows.length >= accepted.size && rows.every((r) => r.sent >= 1) && rows;
    },
    150_000,
  );
  const stored = new Set(counts.map((c) => c.inbound_id));
  for (const id of accepted) expect(stored.has(id)).toBe(true);
  expect(counts.filter((c) => c.replies !== 1)).toEqual([]);
  await expectEachReplyOnceOnTheWire(databaseUrl, counts.length);
}

it('loses and duplicates nothing when the worker role is killed with kill -9 mid-load', async () => {
  const api = await startPlatform({ roles: 'api,connector' });
  let worker = await startPlatform({ roles: 'worker', databaseUrl: api.databaseUrl });
  try {
    const shop = await createWorkspace(api.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
    const target = { url: api.url, token: shop.token, channelId: shop.channelId };
    const accepted = await sendLoad(() => target, 60, async () => {
      await worker.kill();
    });
    expect(accepted.size).toBe(MESSAGES);
    worker = await startPlatform({ roles: 'worker', databaseUrl: api.databaseUrl });
    await expectExactlyOneReplyEach(api.databaseUrl, accepted);
  } finally {
    await worker.stop();
    await api.stop();
  }
});

it('loses and duplicates nothing when the whole npm start process group and its services are killed', async () => {
  const dataDir = path.join(TEST_DATA, 'crash-embedded');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(postgresDataDir(path.join(dataDir, 'postgres')), { recursive: true, force: true });
  const embedded = { dataDir, postgresPort: TEST_PG_PORT + 40, temporalPort: TEST_TEMPORAL_PORT + 40 };
  const start = () => startPlatform({ embedded, detached: true, env: { OUTBOX_GRACE_MS: '500', OUTBOX_SWEEP_MS: '1000' } });
  const killEverything = async (platform: PlatformProcess) => {
    const servicePids = [path.join(postgresDataDir(path.join(dataDir, 'postgres')), 'postmaster.pid'), path.join(dataDir, 'temporal.db.pid')].map(
      (file) => Number(fs.readFileSync(file, 'utf8').split('\n')[0]),
    );
    await platform.kill();
    for (const pid of servicePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  let platform = await start();
  try {
    // The demo workspace `npm start` seeds answers "order" with nothing special, so add a rule.
    const shop = await createWorkspace(platform.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
    const accepted = await sendLoad(
      () => ({ url: platform.url, token: shop.token, channelId: shop.channelId }),
      100,
      () => killEverything(platform),
    );
    expect(accepted.size).toBeGreaterThanOrEqual(100);
    expect(accepted.size).toBeLessThan(MESSAGES);

    // The crash left postmaster.pid and Temporal's pid file behind; a plain start copes.
    platform = await start();
    await expectExactlyOneReplyEach(platform.databaseUrl, accepted);

    // And once more: a second crash, a second start, and the platform still answers.
    await killEverything(platform);
    platform = await start();
    const health = await fetch(`${platform.url}/health`);
    expect(health.status).toBe(200);
    const signIn = await gqlOk(platform.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, {
      i: { email: shop.email, password: 'correct horse battery' },
    });
    const { simulateInbound } = await gqlOk(
      platform.url,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`,
      { i: { channelId: shop.channelId, from: '+4915100009999', text: 'one more order' } },
      signIn.signIn.accessToken,
    );
    await expectExactlyOneReplyEach(platform.databaseUrl, new Set([...accepted, simulateInbound.id]));
  } finally {
    await platform.stop();
  }
});

it('stops everything it started on Ctrl-C, and the next start keeps the data', async () => {
  const dataDir = path.join(TEST_DATA, 'ctrl-c');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const pgData = postgresDataDir(path.join(dataDir, 'postgres'));
  fs.rmSync(pgData, { recursive: true, force: true });
  const embedded = { dataDir, postgresPort: TEST_PG_PORT + 50, temporalPort: TEST_TEMPORAL_PORT + 50 };

  let platform = await startPlatform({ embedded });
  const shop = await createWorkspace(platform.url, [{ keywords: ['order'], matchType: 'CONTAINS', reply: REPLY }]);
  const pids = [path.join(pgData, 'postmaster.pid'), path.join(dataDir, 'temporal.db.pid')].map((file) => Number(fs.readFileSync(file, 'utf8').split('\n')[0]));

  platform.process.kill('SIGINT');
  await waitFor('npm start to exit', async () => platform.process.exitCode !== null || platform.process.signalCode !== null, 60_000);
  expect(platform.process.exitCode).toBe(0);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  expect(pids.filter(alive)).toEqual([]);

  platform = await startPlatform({ embedded });
  try {
    // The demo workspace was seeded once, not twice, and the account from before signs in.
    const demo = await query(platform.databaseUrl, `select count(*)::int as n from users where email = 'demo@parley.local'`);
    expect(demo[0].n).toBe(1);
    const { signIn } = await gqlOk(platform.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken workspace { id } } }`, {
      i: { email: shop.email, password: 'correct horse battery' },
    });
    expect(signIn.workspace.id).toBe(shop.workspaceId);
    const rules = await gqlOk(platform.url, '{ keywordRules { reply } }', {}, signIn.accessToken);
    expect(rules.keywordRules).toEqual([{ reply: REPLY }]);
  } finally {
    await platform.stop();
  }
});
