/**
 * The two systems under test behind one interface: bare Temporal (baseline/) and Parley (the real
 * platform as a child process, driven through GraphQL simulateInbound like the phone panel).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import { freshPostgres, freshTemporal, historyStats, NODE, ROOT, temporalClient, type HistoryStats } from './lib/services';
import { spawnPlatform, gql } from './lib/platform';
import { summarize, type SendRecord, type Summary } from './lib/load';
import { processTree } from './lib/proc';
import { toContactKey } from '../../connector/phone';

export interface SystemUnderTest {
  name: 'baseline' | 'parley';
  /** The app processes whose memory and CPU are reported (Parley's platform, the baseline's worker), by name. */
  appPids: Record<string, number>;
  servicePids: Record<string, number>;
  /** Sends message i of a phase from contact c; resolves to the key its effect is matched by. */
  send(phase: number, i: number, contact: number): Promise<string>;
  countEffects(keys: string[]): Promise<number>;
  /** key → the effect's time (ms since the epoch, the machine's clock). */
  effects(keys: string[]): Promise<Map<string, number>>;
  /** Where the time of each message went, when the system records it. */
  stages(records: SendRecord[]): Promise<Record<string, Summary>>;
  history(phase: number, contacts: number[]): Promise<HistoryStats>;
  /** Parley only: what a bench needs to drive it beyond inbound messages (bench/broadcasts). */
  parley?: { url: string; token: string; workspaceId: string; channelId: string; databaseUrl: string; temporal: Client };
  output(): string;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

// ---------------------------------------------------------------------------------- baseline

export async function startBaseline(opts: { temporalPort: number; log: Log; onCleanup: (fn: () => Promise<void>) => void; env?: Record<string, string> }): Promise<SystemUnderTest> {
  const temporal = await freshTemporal('baseline', opts.temporalPort, opts.log);
  opts.onCleanup(() => temporal.stop());
  const { client, close } = await temporalClient(temporal.address);
  opts.onCleanup(close);
  const taskQueue = 'bench-baseline';
  const effectAt = new Map<string, number>();
  let output = '';

  const child: ChildProcess = spawn(NODE, ['--import', 'tsx', path.join(ROOT, 'bench/pipeline/baseline/worker.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, BASELINE_TASK_QUEUE: taskQueue, ...opts.env },
  });
  child.stdout!.on('data', (d) => (output = (output + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-50_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stopWorker = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
    const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 15_000))]);
    if (late) child.kill('SIGKILL');
  };
  opts.onCleanup(stopWorker);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline worker not ready in 90 s:\n${output}`)), 90_000);
    child.on('message', (m: { type: string; effects?: [string, number][] }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
      if (m.type === 'effects') for (const [key, at] of m.effects!) if (!effectAt.has(key)) effectAt.set(key, at);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`baseline worker exited with ${code}:\n${output}`));
    });
  });
  opts.log(`baseline worker running (pid ${child.pid}) on ${temporal.address}`);

  const workflowId = (phase: number, contact: number) => `baseline:${phase}:${contact}`;
  return {
    name: 'baseline',
    appPids: { worker: child.pid! },
    servicePids: { temporal: temporal.pid },
    async send(phase, i, contact) {
      const key = `${phase}:${i}`;
      await client.workflow.signalWithStart('baselineWorkflow', {
        workflowId: workflowId(phase, contact),
        taskQueue,
        args: [],
        signal: 'message',
        signalArgs: [key],
      });
      return key;
    },
    async countEffects(keys) {
      let n = 0;
      for (const key of keys) if (effectAt.has(key)) n++;
      return n;
    },
    async effects(keys) {
      const out = new Map<string, number>();
      for (const key of keys) if (effectAt.has(key)) out.set(key, effectAt.get(key)!);
      return out;
    },
    async stages(records) {
      const ok = records.filter((r) => r.key && effectAt.has(r.key));
      return {
        'client → signalWithStart returned': summarize(ok.map((r) => r.ackAtMs - r.sentAtMs)),
        'signalWithStart returned → activity ran': summarize(ok.map((r) => effectAt.get(r.key!)! - r.ackAtMs)),
      };
    },
    history: (phase, contacts) => historyStats(client, contacts.map((c) => workflowId(phase, c))),
    output: () => output,
    async stop() {
      await stopWorker();
      await close();
      await temporal.stop();
    },
  };
}

// ---------------------------------------------------------------------------------- parley

export const BENCH_RULE = { keywords: ['order'], matchType: 'CONTAINS', reply: 'Thanks, your order is confirmed' };

/** E.164 numbers, distinct per phase so every phase starts its own conversations. */
export function phoneOf(phase: number, contact: number): string {
  return `+49151${phase % 10}${String(contact).padStart(5, '0')}`;
}

export async function startParley(opts: {
  temporalPort: number;
  postgresPort: number;
  log: Log;
  onCleanup: (fn: () => Promise<void>) => void;
  platformEnv?: Record<string, string>;
  /** Profiling: run `--role api` and `--role worker,connector` as two processes, to see each one's CPU and memory. */
  splitRoles?: boolean;
}): Promise<SystemUnderTest> {
  const postgres = await freshPostgres(opts.postgresPort, 'parley_bench', opts.log);
  opts.onCleanup(() => postgres.stop());
  const temporal = await freshTemporal('parley', opts.temporalPort, opts.log);
  opts.onCleanup(() => temporal.stop());
  const { client, close } = await temporalClient(temporal.address);
  opts.onCleanup(close);

  const startedAt = Date.now();
  const spawnOpts = { databaseUrl: postgres.url, temporalAddress: temporal.address, env: opts.platformEnv };
  const platform = await spawnPlatform({ ...spawnOpts, roles: opts.splitRoles ? 'api' : 'api,worker,connector' });
  opts.onCleanup(() => platform.stop());
  opts.log(`platform ${opts.splitRoles ? '--role api ' : ''}running (pid ${platform.child.pid}) at ${platform.url} after ${Date.now() - startedAt} ms`);
  const workers = opts.splitRoles ? await spawnPlatform({ ...spawnOpts, roles: 'worker,connector' }) : null;
  if (workers) {
    opts.onCleanup(() => workers.stop());
    opts.log(`platform --role worker,connector running (pid ${workers.child.pid})`);
  }

  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  let dbEnded = false;
  const endDb = async () => {
    if (!dbEnded) await db.end();
    dbEnded = true;
  };
  opts.onCleanup(endDb);

  const { signUp } = await gql<{ signUp: { accessToken: string; workspace: { id: string } } }>(
    platform.url,
    `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken workspace { id } } }`,
    { i: { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery', name: 'Bench Owner', workspaceName: 'Bench Shop' } },
  );
  const token = signUp.accessToken;
  const { createChannel } = await gql<{ createChannel: { id: string } }>(platform.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "Bench" }) { id } }`, {}, token);
  const channelId = createChannel.id;
  await gql(platform.url, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: BENCH_RULE }, token);
  opts.log(`workspace ${signUp.workspace.id}, simulator channel ${channelId}, keyword rule "order" → reply`);

  const simulate = `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`;

  return {
    name: 'parley',
    appPids: workers ? { api: platform.child.pid!, workerConnector: workers.child.pid! } : { platform: platform.child.pid! },
    servicePids: { temporal: temporal.pid, postgres: postgres.pid },
    async send(phase, i, contact) {
      const { simulateInbound } = await gql<{ simulateInbound: { id: string } }>(
        platform.url,
        simulate,
        { i: { channelId, from: phoneOf(phase, contact), text: `Hi, I want to order item ${phase}-${i}` } },
        token,
      );
      return simulateInbound.id;
    },
    async countEffects(keys) {
      const { rows } = await db.query<{ n: string }>('select count(*) as n from messages where reply_to_id = any($1::uuid[]) and sent_at is not null', [keys]);
      return Number(rows[0].n);
    },
    async effects(keys) {
      const { rows } = await db.query<{ reply_to_id: string; sent_ms: string }>(
        'select reply_to_id, extract(epoch from sent_at) * 1000 as sent_ms from messages where reply_to_id = any($1::uuid[]) and sent_at is not null',
        [keys],
      );
      return new Map(rows.map((r) => [r.reply_to_id, Number(r.sent_ms)]));
    },
    async stages(records) {
      const byKey = new Map(records.filter((r) => r.key).map((r) => [r.key!, r]));
      const { rows } = await db.query<{ id: string; in_ms: string; signaled_ms: string | null; out_ms: string | null; sent_ms: string | null }>(
        `select i.id,
                extract(epoch from i.created_at) * 1000 as in_ms,
                extract(epoch from i.signaled_at) * 1000 as signaled_ms,
                extract(epoch from o.created_at) * 1000 as out_ms,
                extract(epoch from o.sent_at) * 1000 as sent_ms
         from messages i left join messages o on o.reply_to_id = i.id
         where i.id = any($1::uuid[])`,
        [[...byKey.keys()]],
      );
      const complete = rows.filter((r) => r.signaled_ms && r.out_ms && r.sent_ms);
      const pick = (fn: (r: (typeof complete)[number], rec: SendRecord) => number) => summarize(complete.map((r) => fn(r, byKey.get(r.id)!)));
      return {
        'client → inbound row inserted (HTTP, auth, GraphQL, contact/conversation upsert)': pick((r, rec) => Number(r.in_ms) - rec.sentAtMs),
        'inbound row → signalled (commit, NOTIFY, signalWithStart)': pick((r) => Number(r.signaled_ms) - Number(r.in_ms)),
        'signalled → client has the response': pick((r, rec) => rec.ackAtMs - Number(r.signaled_ms)),
        'signalled → reply row inserted (Temporal: workflow task(s), activity dispatch to channel queue)': pick((r) => Number(r.out_ms) - Number(r.signaled_ms)),
        'reply row → sent_at (simulator send, update, NOTIFY)': pick((r) => Number(r.sent_ms) - Number(r.out_ms)),
      };
    },
    async history(phase, contacts) {
      // Workflow ids name the conversation's row (workflows/ids.ts): read them by the contacts' keys.
      const keys = contacts.map((c) => toContactKey(phoneOf(phase, c)));
      const { rows } = await db.query<{ workflow_id: string }>(
        'select c.workflow_id from conversations c join contacts ct on ct.id = c.contact_id where c.channel_id = $1 and ct.contact_key = any($2::text[])',
        [channelId, keys],
      );
      return historyStats(client, rows.map((r) => r.workflow_id));
    },
    parley: { url: platform.url, token, workspaceId: signUp.workspace.id, channelId, databaseUrl: postgres.url, temporal: client },
    output: () => platform.output() + (workers ? `\n--- worker,connector ---\n${workers.output()}` : ''),
    async stop() {
      await platform.stop();
      await workers?.stop();
      await endDb().catch(() => undefined);
      await close();
      await temporal.stop();
      await postgres.stop();
    },
  };
}

export function treeOf(pid: number): () => number[] {
  return () => processTree(pid);
}

export type { Client };
