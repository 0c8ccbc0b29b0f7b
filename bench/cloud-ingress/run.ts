/**
 * `npm run bench:cloud` — the Cloud API webhook ingress beside the simulator's, in one run of one
 * platform: signed webhook POSTs accepted per second (HTTP 200) against `simulateInbound` calls per
 * second, and inbound → reply p50 / p99 at a fixed rate, the Cloud API replies going out through a
 * fake Graph API server in this process. Target: webhook throughput ≥ 0.8 × the simulator's.
 *
 * Options: --duration 20 (s per throughput phase) --concurrency 32 --rate 20 --rate-duration 20
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { closedLoop, openLoop, pollUntil, summarize, type SendRecord, type Summary } from '../pipeline/lib/load';
import { freshPostgres, freshTemporal, ROOT } from '../pipeline/lib/services';
import { gql, spawnPlatform } from '../pipeline/lib/platform';
import { startFakeGraphApi } from '../../test/support/fake-graph-api';
import { postWebhook, textWebhook } from '../../test/support/cloud-api';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '20' },
    'rate-duration': { type: 'string', default: '20' },
    'temporal-port': { type: 'string', default: '7263' },
    'postgres-port': { type: 'string', default: '54359' },
    out: { type: 'string' },
  },
});
const DURATION_MS = Number(args.duration) * 1000;
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const RATE_N = RATE * Number(args['rate-duration']);
const TOKEN = 'bench-access-token';
const PHONE_NUMBER_ID = '5550100';
const APP_SECRET = 'bench-app-secret';
const RULE = { keywords: ['order'], matchType: 'CONTAINS', reply: 'Thanks, your order is confirmed' };
/** The most messages a throughput phase sends; the phase ends at its duration first. */
const MAX_MESSAGES = 100_000;

const t0 = Date.now();
const log = (line: string) => console.log(`[bench:cloud +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
const cleanups: (() => Promise<unknown>)[] = [];

interface Ingress {
  name: 'simulator' | 'cloud-api';
  /** Sends message i from `from`; resolves to the inbound message's key (its id, or its wamid). */
  send(from: string, i: number): Promise<string>;
}

interface PhaseResult {
  acceptedPerSec: number;
  accepted: number;
  errors: number;
  ackMs: Summary;
}

async function main(): Promise<void> {
  const graph = await startFakeGraphApi();
  graph.addPhoneNumber(PHONE_NUMBER_ID, TOKEN);
  cleanups.push(() => graph.close());
  const postgres = await freshPostgres(Number(args['postgres-port']), 'parley_bench_cloud', log);
  cleanups.push(() => postgres.stop());
  const temporal = await freshTemporal('cloud', Number(args['temporal-port']), log);
  cleanups.push(() => temporal.stop());
  const platform = await spawnPlatform({ databaseUrl: postgres.url, temporalAddress: temporal.address, env: { GRAPH_API_URL: graph.url } });
  cleanups.push(() => platform.stop());
  log(`platform at ${platform.url}; fake Graph API at ${graph.url}`);
  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  cleanups.push(() => db.end());

  const { signUp } = await gql(platform.url, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`, {
    i: { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery', name: 'Bench', workspaceName: 'Bench Shop' },
  });
  const token = signUp.accessToken as string;
  await gql(platform.url, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: RULE }, token);
  const sim = (await gql(platform.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "Sim" }) { id } }`, {}, token)).createChannel.id as string;
  const credentials = JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, businessAccountId: 'WABA', accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: 'v' });
  const cloud = (await gql(platform.url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id status } }`, { i: { kind: 'CLOUD_API', name: 'Cloud', credentials } }, token)).createChannel;
  if (cloud.status !== 'CONNECTED') throw new Error(`the Cloud API channel is ${cloud.status}`);

  const ingresses: Ingress[] = [
    {
      name: 'simulator',
      send: async (from, i) =>
        (await gql(platform.url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`, { i: { channelId: sim, from, text: `order ${i}` } }, token)).simulateInbound.id,
    },
    {
      name: 'cloud-api',
      send: async (from, i) => {
        const id = `wamid.bench-${from.slice(1)}-${i}`;
        const response = await postWebhook(platform.url, cloud.id, textWebhook({ phoneNumberId: PHONE_NUMBER_ID, from, text: `order ${i}`, id }), APP_SECRET);
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        return id;
      },
    },
  ];

  // Warm-up: each ingress's code paths, the workflow bundle, the caches.
  for (const [k, ingress] of ingresses.entries()) await closedLoop({ n: 50, concurrency: 8, maxMs: 30_000, send: (i) => ingress.send(phone(9, k, i), i) });

  const results: Record<string, { throughput: PhaseResult; rate: { latencyMs: Summary; missing: number } }> = {};
  for (const [k, ingress] of ingresses.entries()) {
    await quiet(db);
    log(`${ingress.name}: closed loop, ${CONCURRENCY} in flight, ${DURATION_MS / 1000} s`);
    const started = Date.now();
    const records = await closedLoop({ n: MAX_MESSAGES, concurrency: CONCURRENCY, maxMs: DURATION_MS, send: (i) => ingress.send(phone(1, k, i % 500), i) });
    const throughput = phase(records, Date.now() - started);
    log(`${ingress.name}: ${throughput.acceptedPerSec} accepted/s (${throughput.errors} errors)`);
    await quiet(db);
    log(`${ingress.name}: open loop, ${RATE}/s, ${RATE_N} messages`);
    const offered = await openLoop({ n: RATE_N, ratePerSec: RATE, send: (i) => ingress.send(phone(2, k, i), i) });
    const latency = await latencies(db, ingress.name, offered.records);
    log(`${ingress.name}: inbound → reply p50 ${latency.latencyMs.p50} ms, p99 ${latency.latencyMs.p99} ms`);
    results[ingress.name] = { throughput, rate: latency };
  }

  const ratio = Math.round((results['cloud-api'].throughput.acceptedPerSec / results.simulator.throughput.acceptedPerSec) * 100) / 100;
  console.log(`\n| ingress | accepted/s (c=${CONCURRENCY}, ${DURATION_MS / 1000} s) | ack p50 / p99 ms | inbound → reply p50 / p99 ms at ${RATE}/s |`);
  console.log('| --- | --- | --- | --- |');
  for (const [name, r] of Object.entries(results)) {
    console.log(`| ${name} | ${r.throughput.acceptedPerSec} | ${r.throughput.ackMs.p50} / ${r.throughput.ackMs.p99} | ${r.rate.latencyMs.p50} / ${r.rate.latencyMs.p99}${r.rate.missing ? ` (${r.rate.missing} missing)` : ''} |`);
  }
  console.log(`\n  webhook throughput / simulator throughput = ${ratio}: target ≥ 0.8 ${ratio >= 0.8 ? 'HOLDS' : 'MISSED'}`);
  const file = args.out ?? path.join(ROOT, 'bench/results', `cloud-ingress-${new Date().toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), params: { durationS: DURATION_MS / 1000, concurrency: CONCURRENCY, rate: RATE, rateN: RATE_N }, ratio, results }, null, 2));
  log(`results written to ${path.relative(ROOT, file)}`);
}

/** Distinct numbers per phase and ingress, so each phase starts its own conversations. */
function phone(phaseNo: number, ingress: number, i: number): string {
  return `+4916${phaseNo}${ingress}${String(i).padStart(6, '0')}`;
}

function phase(records: SendRecord[], elapsedMs: number): PhaseResult {
  const ok = records.filter((r) => !r.error);
  return { acceptedPerSec: Math.round((ok.length / (elapsedMs / 1000)) * 10) / 10, accepted: ok.length, errors: records.length - ok.length, ackMs: summarize(ok.map((r) => r.ackAtMs - r.sentAtMs)) };
}

/** Inbound → its reply's sent_at, by inbound id (simulator) or wamid (Cloud API). */
async function latencies(db: pg.Pool, name: Ingress['name'], records: SendRecord[]): Promise<{ latencyMs: Summary; missing: number }> {
  const keys = records.filter((r) => r.key).map((r) => r.key!);
  const column = name === 'simulator' ? 'm.id::text' : 'm.external_id';
  const sql = `select ${column} as key, extract(epoch from r.sent_at) * 1000 as sent_ms from messages m join messages r on r.reply_to_id = m.id
               where ${column} = any($1::text[]) and r.sent_at is not null`;
  await pollUntil(async () => (await db.query(sql, [keys])).rowCount === keys.length, 60_000, 500);
  const sent = new Map((await db.query<{ key: string; sent_ms: string }>(sql, [keys])).rows.map((r) => [r.key, Number(r.sent_ms)]));
  const values = records.filter((r) => r.key && sent.has(r.key)).map((r) => sent.get(r.key!)! - r.sentAtMs);
  return { latencyMs: summarize(values), missing: records.length - values.length };
}

/** Waits until every stored inbound message has its reply, so one phase's backlog does not load the next. */
async function quiet(db: pg.Pool): Promise<void> {
  await pollUntil(async () => {
    const { rows } = await db.query<{ n: string }>(
      `select count(*) as n from messages m where m.direction = 'INBOUND' and not exists (select 1 from messages r where r.reply_to_id = m.id and r.status not in ('PENDING', 'SENDING'))`,
    );
    return Number(rows[0].n) === 0;
  }, 120_000, 500);
}

main()
  .catch((err) => {
    log(`failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    setTimeout(() => process.exit(), 500).unref();
  });
