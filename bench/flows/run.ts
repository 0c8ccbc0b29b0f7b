/**
 * `npm run bench:flows` — 10,000 flow runs parked on a question at once, then answered (issue 11).
 *
 * One Parley platform (as two processes: `--role api` and `--role worker,connector`, so the worker's
 * memory is its own), a fresh Temporal dev server and Postgres, all started and stopped here:
 *   1. a published flow: keyword trigger → question with three buttons → a message → end;
 *   2. baseline contacts: one "order" message each from `rate × duration` new contacts, answered by
 *      a keyword rule (no flow): what starting a conversation costs without a flow run;
 *   3. parking: `runs` new contacts send the trigger keyword (closed loop); each run asks its question
 *      and parks. Start rate, and every 5 s the worker's RSS, its sticky cache size (the worker's
 *      Prometheus metrics), Temporal's and Postgres's memory;
 *   4. baseline at the fixed rate: the baseline contacts send "order" again (their conversations are
 *      as cold in the worker's cache as the parked runs): keyword reply latency, same platform, same load;
 *   5. answers at the fixed rate: parked contacts tap a button; latency to the flow's next message on
 *      the simulator wire (its `sent_at`, set right after the channel send);
 *   6. footprint: Postgres database size and rows, Temporal's SQLite size, RSS before and after.
 * Prints a table beside the baseline and writes bench/results/flows-<date>.json.
 *
 * Options: --runs 10000 (or FLOW_RUNS=1000)  --concurrency 32  --park bounded|burst  --rate 20  --duration 60
 *          --postgres-port 55145  --temporal-port 7145  --out <file>  --worker-env K=V,K=V
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { bench } from '../pipeline/lib/harness';
import pg from 'pg';
import { closedLoop, openLoop, pollUntil, sleep, summarize, type SendRecord, type Summary } from '../pipeline/lib/load';
import { Sampler, cpuBetween, processTree, treeRssMb } from '../pipeline/lib/proc';
import { BENCH_DATA, ROOT, freshPostgres, freshTemporal, historyStats, temporalClient, type HistoryStats } from '../pipeline/lib/services';
import { gql, spawnPlatform, type PlatformChild } from '../pipeline/lib/platform';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.FLOW_RUNS ?? '10000' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60' },
    'postgres-port': { type: 'string', default: '55145' },
    'temporal-port': { type: 'string', default: '7145' },
    'effect-timeout-s': { type: 'string', default: '120' },
    /** Extra environment for the worker process (experiments: WORKER_MAX_CACHED_WORKFLOWS=1000). */
    'worker-env': { type: 'string', default: '' },
    /**
     * bounded (default): each of `concurrency` lanes sends a contact's trigger and waits for its question
     * before the next contact, so at most that many runs are starting at once: the sustainable start rate.
     * burst: the lanes do not wait, so all the triggers are in Temporal's queue at once.
     */
    park: { type: 'string', default: 'bounded' },
    out: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const AT_RATE = RATE * DURATION_S;
const EFFECT_TIMEOUT_MS = Number(args['effect-timeout-s']) * 1000;
const WORKER_ENV: Record<string, string> = Object.fromEntries(
  args['worker-env']!.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const TARGET_P99_MS = 500;
const PARK = args.park === 'burst' ? 'burst' : 'bounded';

const QUESTION = 'Which day suits you for the appointment?';
const DAYS = ['Monday', 'Tuesday', 'Wednesday'];
const NEXT = 'You picked';
const RULE_REPLY = 'Thanks, your order is confirmed';

const t0 = Date.now();
const { log, onCleanup, runCleanups, writeResults, run } = bench('bench:flows');

// ------------------------------------------------------------------------------- the flow

const node = (id: string, type: string, data: object, x: number) => ({ id, type, data, position: { x, y: 0 } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${sourceHandle ?? 'next'}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) });

/** Trigger → a question with buttons (parks the run) → the next message → end. */
const FLOW = {
  nodes: [
    node('start', 'trigger', { on: 'keyword', keywords: ['book'], matchType: 'CONTAINS' }, 0),
    node('day', 'question', { text: QUESTION, input: 'choice', choices: DAYS, saveAs: 'day', retries: 1 }, 200),
    node('thanks', 'message', { text: `${NEXT} {{day}}. See you then!` }, 400),
    node('sorry', 'message', { text: 'Sorry, I did not get that.' }, 400),
    node('end', 'end', {}, 600),
  ],
  edges: [edge('start', 'day'), edge('day', 'thanks'), edge('day', 'sorry', 'invalid'), edge('thanks', 'end'), edge('sorry', 'end')],
};

/** E.164 numbers: parked runs, baseline contacts and warm-up contacts never share one. */
const phone = (group: 'run' | 'rule' | 'warm', i: number) => `+49152${{ run: 1, rule: 2, warm: 3 }[group]}${String(i).padStart(6, '0')}`;

// ------------------------------------------------------------------------------- measuring

interface Footprint {
  atS: number;
  parked: number;
  workerRssMb: number;
  apiRssMb: number;
  temporalRssMb: number;
  /** Summed PSS of the Postgres processes (shared buffers counted once, not once per backend). */
  postgresPssMb: number;
  stickyCacheSize: number | null;
}

interface World {
  api: PlatformChild;
  worker: PlatformChild;
  temporalPid: number;
  postgresPid: number;
  metricsUrl: string;
  db: pg.Pool;
  channelId: string;
  temporalDbFile: string;
}

/** Proportional set size of a process tree (MB): what it costs the machine, shared pages split between their users. */
function treePssMb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}

/** The worker's sticky cache gauges and counters from its Prometheus endpoint (Temporal Core's metrics). */
async function workerMetrics(url: string): Promise<Record<string, number>> {
  try {
    const text = await (await fetch(url)).text();
    const out: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const m = /^(temporal_sticky_cache_[a-z_]+|temporal_workflow_task_replay_latency_[a-z_]+count|temporal_num_pollers)(\{[^}]*\})?\s+([0-9.e+-]+)$/.exec(line);
      if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[3]);
    }
    return out;
  } catch {
    return {};
  }
}

async function footprint(w: World, parked: number): Promise<Footprint> {
  const metrics = await workerMetrics(w.metricsUrl);
  return {
    atS: Math.round((Date.now() - t0) / 100) / 10,
    parked,
    workerRssMb: treeRssMb(w.worker.child.pid!),
    apiRssMb: treeRssMb(w.api.child.pid!),
    temporalRssMb: treeRssMb(w.temporalPid),
    postgresPssMb: treePssMb(w.postgresPid),
    stickyCacheSize: metrics.temporal_sticky_cache_size ?? null,
  };
}

async function storage(w: World): Promise<{ postgresDbMb: number; temporalSqliteMb: number; rows: Record<string, number> }> {
  const { rows: size } = await w.db.query<{ mb: string }>('select pg_database_size(current_database()) / 1048576.0 as mb');
  const rows: Record<string, number> = {};
  for (const table of ['contacts', 'conversations', 'messages', 'flow_runs', 'flow_node_stats', 'ingress_outbox']) {
    const r = await w.db.query<{ n: string }>(`select count(*) as n from ${table}`).catch(() => null);
    if (r) rows[table] = Number(r.rows[0].n);
  }
  let sqlite = 0;
  for (const suffix of ['', '-wal', '-shm']) sqlite += fs.existsSync(`${w.temporalDbFile}${suffix}`) ? fs.statSync(`${w.temporalDbFile}${suffix}`).size : 0;
  return { postgresDbMb: Math.round(Number(size[0].mb) * 10) / 10, temporalSqliteMb: Math.round((sqlite / 2 ** 20) * 10) / 10, rows };
}

async function waitQuiet(sampler: Sampler): Promise<number> {
  // Other work on this shared 2-core machine (helpers' tests and builds) skews everything: wait for it, bounded.
  let other = 100;
  for (let i = 0; i < 20; i++) {
    const a = sampler.snapshot();
    await sleep(1000);
    other = cpuBetween(a, sampler.snapshot()).other;
    if (other < 30) break;
    if (i === 0) log(`other processes use ${other}% of a core; waiting up to 20 s for quiet`);
  }
  return other;
}

interface Phase {
  name: string;
  sent: number;
  errors: number;
  firstErrors: string[];
  effects: number;
  missing: number;
  /** first send → last effect */
  spanMs: number;
  effectsPerSec: number;
  latencyMs: Summary;
  ackMs: Summary;
  stages: Record<string, Summary>;
  cpuPctOfOneCore: Record<string, number>;
  /** CPU ms per effect, per process group. */
  cpuMsPerEffect: Record<string, number>;
  otherLoadBeforePct: number;
  maxScheduleLagMs?: number;
  /** [second since the phase's first send, count, p50, p99] per 10 s bucket of send time. */
  timeline: [number, number, number, number][];
}

/** Where an effect is and when: one row per inbound message the bench sent. */
interface EffectRow {
  inbound_id: string;
  in_ms: string;
  signaled_ms: string | null;
  out_ms: string | null;
  sent_ms: string | null;
}

/**
 * Sends with `load`, then waits for each message's effect: the reply to it (`reply_to_id`, keyword
 * rules) or the conversation's first BOT message after it whose text starts with `effectText` (a
 * flow's message, which answers no message in particular).
 */
async function phase(
  w: World,
  sampler: Sampler,
  spec: { name: string; n: number; send: (i: number) => Promise<string>; load: 'closed' | 'open'; effect: 'reply' | { textPrefix: string } },
): Promise<Phase> {
  const otherLoadBeforePct = await waitQuiet(sampler);
  log(`${spec.name}: ${spec.n} messages, ${spec.load === 'open' ? `${RATE}/s offered` : `${CONCURRENCY} in flight`}`);
  const cpuStart = sampler.snapshot();
  let records: SendRecord[];
  let maxScheduleLagMs: number | undefined;
  let lastProgress = Date.now();
  const progressEvery = spec.load === 'closed' ? Math.max(500, Math.round(spec.n / 20)) : Infinity;
  const send = async (i: number) => {
    const key = await spec.send(i);
    if ((i + 1) % progressEvery === 0) {
      log(`  … ${i + 1}/${spec.n} sent (${Math.round((progressEvery / (Date.now() - lastProgress)) * 10000) / 10}/s over the last ${progressEvery})`);
      lastProgress = Date.now();
    }
    return key;
  };
  if (spec.load === 'open') {
    const open = await openLoop({ n: spec.n, ratePerSec: RATE, send, drainMs: EFFECT_TIMEOUT_MS });
    records = open.records;
    maxScheduleLagMs = open.maxLagMs;
  } else {
    records = await closedLoop({ n: spec.n, concurrency: CONCURRENCY, maxMs: 3 * 3600_000, send });
  }
  const ok = records.filter((r) => r.key);
  const ids = ok.map((r) => r.key!);
  const effectRows = async (): Promise<EffectRow[]> => {
    if (spec.effect === 'reply') {
      const { rows } = await w.db.query<EffectRow>(
        `select i.id as inbound_id, extract(epoch from i.created_at) * 1000 as in_ms, extract(epoch from i.signaled_at) * 1000 as signaled_ms,
                extract(epoch from o.created_at) * 1000 as out_ms, extract(epoch from o.sent_at) * 1000 as sent_ms
           from messages i left join messages o on o.reply_to_id = i.id
          where i.id = any($1::uuid[])`,
        [ids],
      );
      return rows;
    }
    const { rows } = await w.db.query<EffectRow>(
      `select i.id as inbound_id, extract(epoch from i.created_at) * 1000 as in_ms, extract(epoch from i.signaled_at) * 1000 as signaled_ms,
              extract(epoch from o.created_at) * 1000 as out_ms, extract(epoch from o.sent_at) * 1000 as sent_ms
         from messages i
         left join lateral (
           select created_at, sent_at from messages o
            where o.conversation_id = i.conversation_id and o.sender_type = 'BOT' and o.text like $2 and o.created_at >= i.created_at
            order by o.created_at limit 1
         ) o on true
        where i.id = any($1::uuid[])`,
      [ids, `${spec.effect.textPrefix}%`],
    );
    return rows;
  };
  const lastSend = Math.max(...records.map((r) => r.ackAtMs));
  let shown = -1;
  let rows: EffectRow[] = [];
  const complete = await pollUntil(async () => {
    rows = await effectRows();
    const done = rows.filter((r) => r.sent_ms).length;
    if (done !== shown && Date.now() - lastSend > 5000) log(`  … ${done}/${ids.length} effects`);
    shown = done;
    return done >= ids.length;
  }, EFFECT_TIMEOUT_MS + Math.max(0, lastSend - Date.now()), 1000);
  const cpuEnd = sampler.snapshot();
  const byId = new Map(ok.map((r) => [r.key!, r]));
  const done = rows.filter((r) => r.sent_ms && byId.has(r.inbound_id));
  if (!complete) log(`  ${ids.length - done.length} of ${ids.length} effects missing after the timeout`);
  const latency = done.map((r) => Number(r.sent_ms) - byId.get(r.inbound_id)!.sentAtMs);
  const firstSend = Math.min(...records.map((r) => r.sentAtMs));
  const lastEffect = Math.max(...done.map((r) => Number(r.sent_ms)));
  const errors = records.filter((r) => r.error);
  const cpu = cpuBetween(cpuStart, cpuEnd);
  const staged = done.filter((r) => r.signaled_ms && r.out_ms);
  const stage = (fn: (r: EffectRow, rec: SendRecord) => number) => summarize(staged.map((r) => fn(r, byId.get(r.inbound_id)!)));
  const result: Phase = {
    name: spec.name,
    sent: records.length,
    errors: errors.length,
    firstErrors: [...new Set(errors.map((r) => r.error!))].slice(0, 3),
    effects: done.length,
    missing: ids.length - done.length,
    spanMs: lastEffect - firstSend,
    effectsPerSec: Math.round((done.length / ((lastEffect - firstSend) / 1000)) * 10) / 10,
    latencyMs: summarize(latency),
    ackMs: summarize(ok.map((r) => r.ackAtMs - r.sentAtMs)),
    stages: {
      'client → inbound row (HTTP, GraphQL, contact/conversation upsert)': stage((r, rec) => Number(r.in_ms) - rec.sentAtMs),
      'inbound row → signalled (commit, signalWithStart)': stage((r) => Number(r.signaled_ms) - Number(r.in_ms)),
      'signalled → next message row (Temporal: workflow tasks, local activities, signal to the run)': stage((r) => Number(r.out_ms) - Number(r.signaled_ms)),
      'next message row → sent on the simulator': stage((r) => Number(r.sent_ms) - Number(r.out_ms)),
    },
    cpuPctOfOneCore: cpu,
    cpuMsPerEffect: Object.fromEntries(Object.entries(cpu).map(([g, pct]) => [g, Math.round((((pct / 100) * (cpuEnd.atMs - cpuStart.atMs)) / Math.max(1, done.length)) * 100) / 100])),
    otherLoadBeforePct,
    maxScheduleLagMs,
    timeline: timeline(done.map((r) => [byId.get(r.inbound_id)!.sentAtMs - firstSend, Number(r.sent_ms) - byId.get(r.inbound_id)!.sentAtMs])),
  };
  log(
    `  ${result.effects}/${result.sent} effects, ${result.errors} errors; ${result.effectsPerSec}/s; latency p50 ${result.latencyMs.p50} p95 ${result.latencyMs.p95} p99 ${result.latencyMs.p99} max ${result.latencyMs.max} ms; ` +
      `cpu % ${JSON.stringify(cpu)}`,
  );
  if (result.firstErrors.length) log(`  errors: ${result.firstErrors.join(' | ')}`);
  return result;
}

function timeline(points: [number, number][]): [number, number, number, number][] {
  const buckets = new Map<number, number[]>();
  for (const [atMs, latency] of points) {
    const b = Math.floor(atMs / 10_000) * 10;
    buckets.set(b, [...(buckets.get(b) ?? []), latency]);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([s, v]) => {
    const sum = summarize(v);
    return [s, sum.count, sum.p50, sum.p99];
  });
}

/** Resolves when a conversation's question is on the wire (one poll of Postgres for every lane waiting), or after two minutes. */
function questionWaiter(db: pg.Pool): { wait(conversationId: string): Promise<void>; stop(): void } {
  const waiting = new Map<string, { resolve: () => void; since: number }>();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      await sleep(100);
      if (waiting.size === 0) continue;
      const ids = [...waiting.keys()];
      const { rows } = await db
        .query<{ conversation_id: string }>(`select conversation_id from messages where conversation_id = any($1::uuid[]) and sender_type = 'BOT' and text = $2 and sent_at is not null`, [ids, QUESTION])
        .catch(() => ({ rows: [] as { conversation_id: string }[] }));
      const done = new Set(rows.map((r) => r.conversation_id));
      for (const [id, w] of waiting) {
        if (done.has(id) || Date.now() - w.since > 120_000) {
          waiting.delete(id);
          w.resolve();
        }
      }
    }
  })();
  return {
    wait: (conversationId) => new Promise<void>((resolve) => waiting.set(conversationId, { resolve, since: Date.now() })),
    stop: () => void (stopped = true),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// ------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  log(`flows bench: ${RUNS} parked runs (${CONCURRENCY} in flight), then ${RATE}/s for ${DURATION_S} s; ${os.cpus().length} cores; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const postgres = await freshPostgres(Number(args['postgres-port']), 'parley_bench_flows', log);
  onCleanup(() => postgres.stop());
  const temporal = await freshTemporal('flows', Number(args['temporal-port']), log);
  onCleanup(() => temporal.stop());
  const { client, close } = await temporalClient(temporal.address);
  onCleanup(close);

  const metricsPort = await freePort();
  const spawnOpts = { databaseUrl: postgres.url, temporalAddress: temporal.address };
  const api = await spawnPlatform({ ...spawnOpts, roles: 'api' });
  onCleanup(() => api.stop());
  const worker = await spawnPlatform({ ...spawnOpts, roles: 'worker,connector', env: { METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`, ...WORKER_ENV } });
  onCleanup(() => worker.stop());
  log(`platform: --role api (pid ${api.child.pid}) at ${api.url}; --role worker,connector (pid ${worker.child.pid}), metrics on :${metricsPort}${Object.keys(WORKER_ENV).length ? `, env ${JSON.stringify(WORKER_ENV)}` : ''}`);

  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  onCleanup(() => db.end());
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const { signUp } = await gql<{ signUp: { accessToken: string; workspace: { id: string } } }>(
    api.url,
    `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken workspace { id } } }`,
    { i: { email, password: 'correct horse battery', name: 'Bench Owner', workspaceName: 'Bench Clinic' } },
  );
  const credentials = { email, password: 'correct horse battery' };
  let token = signUp.accessToken;
  let tokenAt = Date.now();
  // Access tokens last 15 minutes (ACCESS_TOKEN_TTL_SECONDS); the run takes longer: sign in again every 10.
  let signingIn: Promise<void> | null = null;
  const fresh = async () => {
    if (Date.now() - tokenAt > 10 * 60_000) {
      signingIn ??= gql<{ signIn: { accessToken: string } }>(api.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: credentials }).then(({ signIn }) => {
        token = signIn.accessToken;
        tokenAt = Date.now();
        signingIn = null;
      });
      await signingIn;
    }
    return token;
  };
  const { createChannel } = await gql<{ createChannel: { id: string } }>(api.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "Bench" }) { id } }`, {}, token);
  const channelId = createChannel.id;
  await gql(api.url, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: { keywords: ['order'], matchType: 'CONTAINS', reply: RULE_REPLY } }, token);
  const { createFlow } = await gql<{ createFlow: { id: string } }>(api.url, `mutation($i: CreateFlowInput!) { createFlow(input: $i) { id } }`, { i: { name: 'Appointment day', definition: FLOW } }, token);
  const { publishFlow } = await gql<{ publishFlow: { version: number; problems: { nodeId: string; message: string }[] } }>(
    api.url,
    `mutation($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } } }`,
    { id: createFlow.id },
    token,
  );
  if (publishFlow.problems.length) throw new Error(`the bench flow does not publish: ${JSON.stringify(publishFlow.problems)}`);
  log(`workspace ${signUp.workspace.id}, simulator channel ${channelId}, keyword rule "order", flow ${createFlow.id} v${publishFlow.version} (book → question → message)`);

  const w: World = {
    api, worker, temporalPid: temporal.pid, postgresPid: postgres.pid, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    db, channelId, temporalDbFile: path.join(BENCH_DATA, 'temporal-flows.db'),
  };
  const sampler = new Sampler(250);
  sampler.track('bench', () => [process.pid]);
  sampler.track('api', () => processTree(api.child.pid!));
  sampler.track('worker', () => processTree(worker.child.pid!));
  sampler.track('temporal', () => processTree(temporal.pid));
  sampler.track('postgres', () => processTree(postgres.pid));
  sampler.start();

  const conversationOf = new Map<string, string>();
  const say = async (from: string, text: string, reply?: { id: string; title: string }) => {
    const { simulateInbound } = await gql<{ simulateInbound: { id: string; conversationId: string } }>(
      api.url,
      `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
      { i: { channelId, from, text, name: 'Bench Customer', ...(reply ? { reply } : {}) } },
      await fresh(),
    );
    conversationOf.set(from, simulateInbound.conversationId);
    return simulateInbound.id;
  };
  const answer = (i: number) => {
    const day = i % DAYS.length;
    return { id: `choice:${day}`, title: DAYS[day] };
  };

  try {
    // Warm-up (not measured): the code paths compile and the pools fill.
    const WARM = 50;
    await phase(w, sampler, { name: 'warm-up: flow starts', n: WARM, load: 'closed', send: (i) => say(phone('warm', i), 'I want to book'), effect: { textPrefix: QUESTION } });
    await phase(w, sampler, { name: 'warm-up: answers', n: WARM, load: 'closed', send: (i) => say(phone('warm', i), answer(i).title, answer(i)), effect: { textPrefix: NEXT } });
    await phase(w, sampler, { name: 'warm-up: keyword replies', n: WARM, load: 'closed', send: (i) => say(phone('warm', WARM + i), 'order please'), effect: 'reply' });

    // The baseline's conversations, started now so that later they are as cold as the parked runs.
    const ruleStarts = await phase(w, sampler, { name: 'baseline: new conversations answered by a keyword rule', n: AT_RATE, load: 'closed', send: (i) => say(phone('rule', i), `I want to order item ${i}`), effect: 'reply' });

    await sleep(5000);
    const before = await footprint(w, 0);
    const storageBefore = await storage(w);
    log(`before parking: ${JSON.stringify(before)}; ${JSON.stringify(storageBefore)}`);
    const footprints: Footprint[] = [before];
    const parkedCount = async () =>
      Number((await db.query<{ n: string }>(`select count(*) as n from messages where sender_type = 'BOT' and text = $1 and sent_at is not null`, [QUESTION])).rows[0].n) - WARM;
    let sampling = true;
    const footprintLoop = (async () => {
      while (sampling) {
        await sleep(5000);
        if (sampling) footprints.push(await footprint(w, await parkedCount()));
      }
    })();
    const questions = questionWaiter(db);
    const parking = await phase(w, sampler, {
      name: `parking ${RUNS} flow runs on a question (${PARK}, ${CONCURRENCY} lanes)`,
      n: RUNS,
      load: 'closed',
      send: async (i) => {
        const id = await say(phone('run', i), `Hi, I'd like to book an appointment (${i})`);
        if (PARK === 'bounded') await questions.wait(conversationOf.get(phone('run', i))!);
        return id;
      },
      effect: { textPrefix: QUESTION },
    });
    questions.stop();
    sampling = false;
    await footprintLoop;
    const { rows: waiting } = await db.query<{ status: string; n: string }>(`select status, count(*) as n from flow_runs group by status`);
    log(`flow runs by status: ${waiting.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    // Parked: RSS a minute later (the cache holds what it holds; nothing else should grow).
    await sleep(15_000);
    const parked = await footprint(w, await parkedCount());
    footprints.push(parked);
    const storageParked = await storage(w);
    log(`parked: ${JSON.stringify(parked)}; ${JSON.stringify(storageParked)}`);

    // Baseline at the rate: the keyword rule's reply in conversations started before the parking.
    const ruleAtRate = await phase(w, sampler, { name: `baseline: keyword reply at ${RATE}/s (conversations started before the parking)`, n: AT_RATE, load: 'open', send: (i) => say(phone('rule', i), `order ${i} again please`), effect: 'reply' });
    const afterBaseline = await footprint(w, await parkedCount());
    footprints.push(afterBaseline);

    // The answers, spread over the parked runs (the first ones parked are the coldest).
    const stride = Math.max(1, Math.floor(RUNS / AT_RATE));
    const answered = Array.from({ length: Math.min(AT_RATE, RUNS) }, (_, k) => k * stride);
    const answers = await phase(w, sampler, {
      name: `answers at ${RATE}/s to parked runs → the flow's next message`,
      n: answered.length,
      load: 'open',
      send: (k) => say(phone('run', answered[k]), answer(answered[k]).title, answer(answered[k])),
      effect: { textPrefix: NEXT },
    });
    await sleep(5000);
    const after = await footprint(w, await parkedCount());
    footprints.push(after);
    const storageAfter = await storage(w);
    const metrics = await workerMetrics(w.metricsUrl);
    const { rows: statuses } = await db.query<{ status: string; n: string }>(`select status, count(*) as n from flow_runs group by status order by status`);
    log(`after: ${JSON.stringify(after)}; ${JSON.stringify(storageAfter)}; worker metrics ${JSON.stringify(metrics)}; runs ${statuses.map((r) => `${r.status} ${r.n}`).join(', ')}`);

    // Workflow history per answered run and its conversation (10 sampled).
    const sample = answered.filter((_, k) => k % Math.max(1, Math.floor(answered.length / 10)) === 0).slice(0, 10).map((i) => conversationOf.get(phone('run', i))!);
    const { rows: ids } = await db.query<{ run: string; conversation: string }>(
      `select 'flow-run:' || r.id as run, c.workflow_id as conversation from flow_runs r join conversations c on c.id = r.conversation_id where r.conversation_id = any($1::uuid[])`,
      [sample],
    );
    const history: { flowRun: HistoryStats; conversation: HistoryStats } = {
      flowRun: await historyStats(client, ids.map((r) => r.run)),
      conversation: await historyStats(client, ids.map((r) => r.conversation)),
    };
    log(`history: a flow run ${Math.round(history.flowRun.events / Math.max(1, history.flowRun.workflows))} events; its conversation ${Math.round(history.conversation.events / Math.max(1, history.conversation.workflows))} events`);

    report({ ruleStarts, parking, ruleAtRate, answers, before, parked, after, footprints, storage: { before: storageBefore, parked: storageParked, after: storageAfter }, metrics, history, statuses: Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)])) });
  } catch (err) {
    log(`failed; worker output:\n${worker.output().slice(-4000)}\napi output:\n${api.output().slice(-2000)}`);
    throw err;
  } finally {
    sampler.stop();
  }
}

// ------------------------------------------------------------------------------- report

function report(r: {
  ruleStarts: Phase;
  parking: Phase;
  ruleAtRate: Phase;
  answers: Phase;
  before: Footprint;
  parked: Footprint;
  after: Footprint;
  footprints: Footprint[];
  storage: Record<'before' | 'parked' | 'after', Awaited<ReturnType<typeof storage>>>;
  metrics: Record<string, number>;
  history: { flowRun: HistoryStats; conversation: HistoryStats };
  statuses: Record<string, number>;
}): void {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const lat = (p: Phase) => `${p.latencyMs.p50} / ${p.latencyMs.p95} / ${p.latencyMs.p99} (max ${p.latencyMs.max})`;
  const grew = (a: number, b: number) => `${a} → ${b} (+${Math.round((b - a) * 10) / 10})`;
  const s = r.storage;
  const peakWorker = Math.max(...r.footprints.map((f) => f.workerRssMb));
  const lines = [
    row(['', `flow runs (${RUNS} parked)`, 'baseline: keyword rule, same platform, no flow', 'target']),
    row(['---', '---', '---', '---']),
    row(['start rate: conversations/s, first message → first bot message sent', `${r.parking.effectsPerSec} runs/s (${r.parking.effects} questions sent)`, `${r.ruleStarts.effectsPerSec} conversations/s (${r.ruleStarts.effects} replies)`, '']),
    row(['first message → first bot message, p50 / p95 / p99 ms (closed loop)', lat(r.parking), lat(r.ruleStarts), '']),
    row([`at ${RATE}/s for ${DURATION_S} s: message → next bot message on the wire, p50 / p95 / p99 ms`, `answer → next message: ${lat(r.answers)}`, `keyword → reply: ${lat(r.ruleAtRate)}`, `flow p99 < ${TARGET_P99_MS} ms: **${r.answers.latencyMs.p99 < TARGET_P99_MS && r.answers.missing === 0 ? 'holds' : 'missed'}**`]),
    row([`CPU ms per message at ${RATE}/s: worker / api / Temporal / Postgres`, cpuCells(r.answers), cpuCells(r.ruleAtRate), '']),
    row(['worker RSS MB: before parking → parked → after answers (peak)', `${r.before.workerRssMb} → ${r.parked.workerRssMb} → ${r.after.workerRssMb} (${peakWorker})`, '', 'no growth with parked runs beyond the cache']),
    row(['worker sticky cache (workflows): before → parked → after', `${r.before.stickyCacheSize} → ${r.parked.stickyCacheSize} → ${r.after.stickyCacheSize}`, '', '']),
    row(['Temporal server RSS MB: before → parked', grew(r.before.temporalRssMb, r.parked.temporalRssMb), '', '']),
    row(['Temporal SQLite MB: before → parked', grew(s.before.temporalSqliteMb, s.parked.temporalSqliteMb), '', '']),
    row(['Postgres PSS MB: before → parked', grew(r.before.postgresPssMb, r.parked.postgresPssMb), '', '']),
    row(['Postgres database MB: before → parked', grew(s.before.postgresDbMb, s.parked.postgresDbMb), '', '']),
    row(['rows added by the parking (flow_runs, messages, conversations)', ['flow_runs', 'messages', 'conversations'].map((t) => (s.parked.rows[t] ?? 0) - (s.before.rows[t] ?? 0)).join(', '), '', '']),
    row(['other load, % of a core (before the parking / the rate phases)', `${r.parking.cpuPctOfOneCore.other} / ${r.answers.cpuPctOfOneCore.other}`, `${r.ruleStarts.cpuPctOfOneCore.other} / ${r.ruleAtRate.cpuPctOfOneCore.other}`, '']),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  console.log('worker memory while parking (s since start, parked runs, worker RSS MB, sticky cache, Temporal RSS MB, Postgres PSS MB):');
  for (const f of r.footprints) console.log(`  ${f.atS}s  ${f.parked}  ${f.workerRssMb}  ${f.stickyCacheSize}  ${f.temporalRssMb}  ${f.postgresPssMb}`);
  for (const p of [r.answers, r.ruleAtRate]) {
    console.log(`\n${p.name} — where the time goes (ms, p50 / p95 / p99):`);
    for (const [stage, v] of Object.entries(p.stages)) console.log(`  ${stage}: ${v.p50} / ${v.p95} / ${v.p99}`);
    console.log(`  by send time: ${p.timeline.map(([t, n, p50, p99]) => `${t}s n=${n} p50 ${p50} p99 ${p99}`).join('; ')}`);
  }
  console.log(`\nflow runs by status: ${JSON.stringify(r.statuses)}; worker metrics: ${JSON.stringify(r.metrics)}`);

  const date = new Date().toISOString().slice(0, 10);
  const file = args.out ?? path.join(ROOT, 'bench/results', `flows-${date}.json`);
  const json = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, loadAverageAtEnd: os.loadavg() },
    params: { runs: RUNS, concurrency: CONCURRENCY, park: PARK, rate: RATE, durationS: DURATION_S, workerEnv: WORKER_ENV },
    setup: 'fresh Temporal dev server (SQLite WAL file) and Postgres database; Parley as --role api and --role worker,connector child processes; simulator channel; client (GraphQL simulateInbound) in the bench process; all on 127.0.0.1',
    targets: {
      [`answer → next message p99 < ${TARGET_P99_MS} ms at ${RATE}/s`]: r.answers.latencyMs.p99 < TARGET_P99_MS && r.answers.missing === 0,
      'worker RSS parked − before (MB)': r.parked.workerRssMb - r.before.workerRssMb,
    },
    ...r,
  };
  writeResults(file, json);
}

function cpuCells(p: Phase): string {
  return ['worker', 'api', 'temporal', 'postgres'].map((g) => Math.round((p.cpuMsPerEffect[g] ?? 0) * 10) / 10).join(' / ');
}

run(main);
