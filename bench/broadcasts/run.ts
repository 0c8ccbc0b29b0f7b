/**
 * `npm run bench:broadcasts` — one broadcast of 10,000 recipients to the simulator channel, no
 * rate limit, through the real platform (api + worker + connector as one child process, as
 * `npm start` runs it): messages per minute from startBroadcast to COMPLETED, CPU per message of
 * the platform, the Temporal server and Postgres (from /proc, bench/pipeline/lib/proc.ts), and
 * the keyword reply latency of inbound messages offered at a fixed rate while it runs.
 *
 * Beside it, baselines measured in the same run:
 *   - bare Temporal: a workflow running one no-op activity per batch of the same size (heartbeat
 *     per item) over the same audience, on its own fresh dev server: the engine's floor for a
 *     broadcast on this machine, with nothing but Temporal in the way;
 *   - the same keyword reply latency, at the same offered rate, with no broadcast running.
 * Other load on the machine (other processes' CPU) is recorded per phase: the machine is shared.
 *
 * Options: --recipients 10000  --batch 50 (the baseline's batch: broadcast.workflow.ts BATCH_UNPACED)
 *          --rate 2 (inbound messages/s)  --quiet-s 30  --inbound-contacts 20
 *          --temporal-port 7125  --postgres-port 55125  --skip-baseline
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { closedLoop, openLoop, pollUntil, sleep, summarize, type SendRecord, type Summary } from '../pipeline/lib/load';
import { Sampler, cpuBetween, otherCpuPct, processTree, type CpuSnapshot } from '../pipeline/lib/proc';
import { bench } from '../pipeline/lib/harness';
import { freshTemporal, ROOT, temporalClient } from '../pipeline/lib/services';
import { gql } from '../pipeline/lib/platform';
import { startParley, type SystemUnderTest } from '../pipeline/systems';
import { createBatchBaselineActivities } from './baseline/activities';

const { values: args } = parseArgs({
  options: {
    recipients: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '50' },
    rate: { type: 'string', default: '2' },
    'quiet-s': { type: 'string', default: '30' },
    'inbound-contacts': { type: 'string', default: '20' },
    'temporal-port': { type: 'string', default: '7125' },
    'postgres-port': { type: 'string', default: '55125' },
    'max-broadcast-s': { type: 'string', default: '600' },
    'skip-baseline': { type: 'boolean', default: false },
    /** NODE_OPTIONS for the platform process (a --cpu-prof profile, for one). */
    'app-node-options': { type: 'string' },
    out: { type: 'string' },
  },
});
const RECIPIENTS = Number(args.recipients);
const BATCH = Number(args.batch);
const RATE = Number(args.rate);
const QUIET_S = Number(args['quiet-s']);
const INBOUND_CONTACTS = Number(args['inbound-contacts']);
const TEMPORAL_PORT = Number(args['temporal-port']);
const POSTGRES_PORT = Number(args['postgres-port']);
const MAX_BROADCAST_MS = Number(args['max-broadcast-s']) * 1000;
const TARGET_PER_MIN = 10_000;
const TARGET_REPLY_P99_MS = 1000;
const REPLY_TIMEOUT_MS = 60_000;

const { log, onCleanup, runCleanups, writeResults, run } = bench('bench:broadcasts');

/** CPU between two snapshots: % of one core and ms per message, per process group, plus the machine's other load. */
function cpuReport(a: CpuSnapshot, b: CpuSnapshot, messages: number) {
  const pct = cpuBetween(a, b);
  const seconds = (b.atMs - a.atMs) / 1000;
  const msPerMessage = Object.fromEntries(Object.entries(pct).map(([group, p]) => [group, Math.round(((p / 100) * seconds * 1000) / Math.max(1, messages) * 100) / 100]));
  const cpuSeconds = Object.fromEntries(Object.entries(pct).map(([group, p]) => [group, Math.round((p / 100) * seconds * 10) / 10]));
  return { pctOfOneCore: pct, msPerMessage, cpuSeconds };
}

async function waitQuiet(sampler: Sampler): Promise<{ otherCpuPct: number; waitedMs: number }> {
  // Other helpers' test suites share the 2 cores: wait a little for quiet, then measure anyway and say so.
  const started = Date.now();
  let other = 100;
  for (let i = 0; i < 20; i++) {
    other = await otherCpuPct(sampler, 1000);
    if (other < 30) break;
    if (i === 0) log(`other processes use ${other}% of a core; waiting up to 20 s for quiet`);
  }
  return { otherCpuPct: other, waitedMs: Date.now() - started };
}

// ------------------------------------------------------------------------------ bare Temporal

async function bareTemporal(sampler: Sampler) {
  log(`=== baseline: bare Temporal, one no-op activity per ${BATCH} recipients ===`);
  const temporal = await freshTemporal('broadcast-baseline', TEMPORAL_PORT + 1, log);
  onCleanup(() => temporal.stop());
  const { client, close } = await temporalClient(temporal.address);
  const connection = await NativeConnection.connect({ address: temporal.address });
  const taskQueue = 'bench-broadcast-baseline';
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.join(import.meta.dirname, 'baseline/workflows.ts'),
    activities: createBatchBaselineActivities(),
  });
  const running = worker.run();
  try {
    sampler.track('temporal', () => processTree(temporal.pid));
    const run = (total: number, id: string) => client.workflow.execute('batchBaselineWorkflow', { workflowId: id, taskQueue, args: [{ total, batch: BATCH }] });
    await run(BATCH * 10, 'warm-up');
    const quietBefore = await waitQuiet(sampler);
    const a = sampler.snapshot();
    const start = Date.now();
    const processed = await run(RECIPIENTS, 'broadcast');
    const ms = Date.now() - start;
    const b = sampler.snapshot();
    const cpu = cpuReport(a, b, processed);
    const result = { recipients: processed, batch: BATCH, ms, perMinute: Math.round(processed / (ms / 60_000)), cpu, quietBefore };
    log(`  ${processed} in ${(ms / 1000).toFixed(1)} s: ${result.perMinute}/min; CPU ms/recipient ${JSON.stringify(cpu.msPerMessage)}`);
    return result;
  } finally {
    sampler.untrack('temporal');
    worker.shutdown();
    await running;
    await connection.close();
    await close();
    await temporal.stop();
  }
}

// ------------------------------------------------------------------------------ Parley

/** Offers inbound keyword messages at RATE/s until `stop.done` (bounded), as the pipeline bench's open loop does. */
async function offerUntil(send: (i: number) => Promise<string>, stop: { done: boolean }, maxN: number): Promise<SendRecord[]> {
  const records: SendRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const start = Date.now();
  for (let i = 0; i < maxN && !stop.done; i++) {
    const wait = start + (i * 1000) / RATE - Date.now();
    if (wait > 0) await sleep(wait);
    if (stop.done) break;
    const sentAtMs = Date.now();
    const p: Promise<void> = send(i)
      .then((key) => void records.push({ i, key, sentAtMs, ackAtMs: Date.now() }))
      .catch((err: Error) => void records.push({ i, key: null, sentAtMs, ackAtMs: Date.now(), error: err.message.slice(0, 300) }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all([...inFlight]);
  return records.sort((a, b) => a.i - b.i);
}

/** Keyword replies to `records`: latency from the client's send to the reply's sent_at. */
async function replies(sut: SystemUnderTest, records: SendRecord[]) {
  const keys = records.filter((r) => r.key).map((r) => r.key!);
  await pollUntil(async () => (await sut.countEffects(keys)) >= keys.length, REPLY_TIMEOUT_MS, 300);
  const effects = await sut.effects(keys);
  const ok = records.filter((r) => r.key && effects.has(r.key));
  const latency = (rs: SendRecord[]) => summarize(rs.map((r) => effects.get(r.key!)! - r.sentAtMs));
  return {
    offered: records.length,
    errors: records.filter((r) => r.error).length,
    firstErrors: [...new Set(records.filter((r) => r.error).map((r) => r.error!))].slice(0, 3),
    replied: ok.length,
    missing: keys.length - ok.length,
    latencyMs: latency(ok),
    /** The first message of each contact starts its conversation's workflow. */
    latencyFirstOfContactMs: latency(ok.filter((r) => r.i < INBOUND_CONTACTS)),
    latencyLaterMs: latency(ok.filter((r) => r.i >= INBOUND_CONTACTS)),
    stages: await sut.stages(ok),
  };
}

async function parley(sampler: Sampler) {
  log(`=== Parley: broadcast of ${RECIPIENTS} to the simulator, inbound keyword messages at ${RATE}/s ===`);
  const platformEnv: Record<string, string> = args['app-node-options'] ? { NODE_OPTIONS: args['app-node-options'] } : {};
  const sut = await startParley({ temporalPort: TEMPORAL_PORT, postgresPort: POSTGRES_PORT, log, onCleanup, platformEnv });
  const { url, token, workspaceId, channelId, databaseUrl } = sut.parley!;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // Postgres stopping ends the pool's idle connections: nothing to report.
  db.on('error', () => undefined);
  sampler.track('app', () => Object.values(sut.appPids).flatMap((pid) => processTree(pid)));
  for (const [group, pid] of Object.entries(sut.servicePids)) sampler.track(group, () => processTree(pid));
  try {
    const inbound = (phase: number) => (i: number) => sut.send(phase, i, i % INBOUND_CONTACTS);
    await closedLoop({ n: 2 * INBOUND_CONTACTS, concurrency: 4, maxMs: 60_000, send: inbound(0) });
    const label = async (name: string) =>
      (await gql<{ createLabel: { id: string } }>(url, `mutation($n: String!) { createLabel(input: { name: $n, color: "#336699" }) { id } }`, { n: name }, token)).createLabel.id;
    const seed = async (labelId: string, prefix: string, n: number) => {
      // Contacts as an import writes them: E.164 phones +4917<prefix><digits>, a name and a field for the text's variables.
      await db.query(
        `with c as (
           insert into contacts (id, workspace_id, contact_key, phone, name, fields)
           select gen_random_uuid(), $1, '4917' || $2 || lpad(i::text, 7, '0'), '+4917' || $2 || lpad(i::text, 7, '0'), 'Customer ' || i, jsonb_build_object('city', 'City ' || (i % 50))
           from generate_series(1, $3::int) i returning id
         ) insert into contact_labels (contact_id, label_id, workspace_id) select id, $4, $1 from c`,
        [workspaceId, prefix, n, labelId],
      );
    };
    const warmLabel = await label('Bench warm-up');
    const audienceLabel = await label('Bench audience');
    await seed(warmLabel, '1', 2 * BATCH);
    await seed(audienceLabel, '2', RECIPIENTS);
    await db.query('analyze contacts; analyze contact_labels');
    log(`seeded ${RECIPIENTS} recipients (+${2 * BATCH} for a warm-up broadcast)`);

    const createAndStart = async (name: string, labelId: string) => {
      const { createBroadcast } = await gql<{ createBroadcast: { id: string } }>(
        url,
        `mutation($i: CreateBroadcastInput!) { createBroadcast(input: $i) { id } }`,
        { i: { name, channelId, text: 'Hi {{contact.name}}, our winter sale in {{contact.fields.city}} starts today. Reply STOP to opt out.', audience: { labelIds: [labelId] } } },
        token,
      );
      const startedAtMs = Date.now();
      await gql(url, `mutation($id: ID!) { startBroadcast(id: $id) { id } }`, { id: createBroadcast.id }, token);
      return { id: createBroadcast.id, startedAtMs };
    };
    const status = async (id: string) =>
      (await db.query<{ status: string; total: number; started_ms: string | null; finished_ms: string | null }>(
        `select status, total, extract(epoch from started_at) * 1000 as started_ms, extract(epoch from finished_at) * 1000 as finished_ms from broadcasts where id = $1`,
        [id],
      )).rows[0];
    const completed = (id: string, timeoutMs: number) => pollUntil(async () => ['COMPLETED', 'FAILED', 'CANCELLED'].includes((await status(id)).status), timeoutMs, 100);

    const warm = await createAndStart('warm-up', warmLabel);
    if (!(await completed(warm.id, 120_000))) throw new Error('the warm-up broadcast did not complete in 120 s');
    log(`warm-up broadcast of ${2 * BATCH} done`);

    // Baseline: keyword replies with no broadcast running, at the same offered rate.
    let quietBefore = await waitQuiet(sampler);
    let a = sampler.snapshot();
    const quietRecords = (await openLoop({ n: RATE * QUIET_S, ratePerSec: RATE, send: inbound(1), drainMs: REPLY_TIMEOUT_MS })).records;
    const quiet = { ...(await replies(sut, quietRecords)), cpu: cpuReport(a, sampler.snapshot(), quietRecords.length), quietBefore };
    log(`  no broadcast: ${quiet.replied}/${quiet.offered} replies; p50 ${quiet.latencyMs.p50} p95 ${quiet.latencyMs.p95} p99 ${quiet.latencyMs.p99} ms`);

    // What each process uses doing nothing (pollers, timers): a slow run pays it for longer, so it is reported apart.
    const idleStart = sampler.snapshot();
    await sleep(10_000);
    const idle = cpuReport(idleStart, sampler.snapshot(), 1);

    // The broadcast, with inbound keyword messages offered at the same rate until it completes.
    quietBefore = await waitQuiet(sampler);
    a = sampler.snapshot();
    const broadcast = await createAndStart('bench', audienceLabel);
    const stop = { done: false };
    const during = offerUntil(inbound(2), stop, Math.ceil((RATE * MAX_BROADCAST_MS) / 1000));
    const progress: [number, number][] = [];
    const progressTimer = setInterval(() => {
      void db
        .query<{ n: number }>(`select count(*)::int as n from broadcast_recipients where broadcast_id = $1 and status <> 'PENDING'`, [broadcast.id])
        .then(({ rows }) => progress.push([Math.round((Date.now() - broadcast.startedAtMs) / 1000), rows[0].n]))
        .catch(() => undefined);
    }, 5000);
    const done = await completed(broadcast.id, MAX_BROADCAST_MS);
    const completedAtMs = Date.now();
    const b = sampler.snapshot();
    clearInterval(progressTimer);
    stop.done = true;
    const duringRecords = await during;
    const row = await status(broadcast.id);
    const { rows: counts } = await db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from broadcast_recipients where broadcast_id = $1 group by status order by status`,
      [broadcast.id],
    );
    const { rows: [wire] } = await db.query<{ attempts: number; messages: number; recipients: number }>(
      `select count(*)::int as attempts, count(distinct wire_id)::int as messages, count(distinct idempotency_key)::int as recipients
         from simulator_deliveries where idempotency_key like $1`,
      [`broadcast:${broadcast.id}:%`],
    );
    const sent = counts.find((c) => c.status === 'SENT')?.n ?? 0;
    const spanMs = (row.finished_ms ? Number(row.finished_ms) : completedAtMs) - broadcast.startedAtMs;
    const result = {
      completed: done,
      status: row.status,
      total: row.total,
      recipients: Object.fromEntries(counts.map((c) => [c.status, c.n])),
      wire,
      /** startBroadcast called → finished_at. */
      spanMs,
      perMinute: Math.round(sent / (spanMs / 60_000)),
      /** broadcasts.started_at → finished_at (the product's own times: the snapshot of the audience onwards). */
      productSpanMs: row.started_ms && row.finished_ms ? Math.round(Number(row.finished_ms) - Number(row.started_ms)) : null,
      progress,
      cpu: cpuReport(a, b, sent),
      /** CPU ms per message less what the process uses idle over the same time (its pollers and timers). */
      cpuNetOfIdleMsPerMessage: Object.fromEntries(
        ['app', 'temporal', 'postgres'].map((group) => {
          const used = cpuReport(a, b, sent).cpuSeconds[group] * 1000;
          const idleMs = (idle.pctOfOneCore[group] / 100) * (b.atMs - a.atMs);
          return [group, Math.round(((used - idleMs) / Math.max(1, sent)) * 100) / 100];
        }),
      ),
      idlePctOfOneCore: idle.pctOfOneCore,
      quietBefore,
    };
    log(`  broadcast ${row.status}: ${JSON.stringify(result.recipients)} in ${(spanMs / 1000).toFixed(1)} s = ${result.perMinute}/min; wire ${JSON.stringify(wire)}`);
    log(`  CPU ms/message ${JSON.stringify(result.cpu.msPerMessage)}; net of idle ${JSON.stringify(result.cpuNetOfIdleMsPerMessage)}; % of a core ${JSON.stringify(result.cpu.pctOfOneCore)}; idle % ${JSON.stringify(idle.pctOfOneCore)}`);
    const duringReplies = await replies(sut, duringRecords);
    log(`  during the broadcast: ${duringReplies.replied}/${duringReplies.offered} replies; p50 ${duringReplies.latencyMs.p50} p95 ${duringReplies.latencyMs.p95} p99 ${duringReplies.latencyMs.p99} ms`);
    return { broadcast: result, repliesQuiet: quiet, repliesDuringBroadcast: duringReplies };
  } catch (err) {
    log(`Parley failed; last output of the platform:\n${sut.output().slice(-4000)}`);
    throw err;
  } finally {
    for (const group of ['app', ...Object.keys(sut.servicePids)]) sampler.untrack(group);
    await db.end().catch(() => undefined);
    await sut.stop().catch((err) => log(`stopping Parley failed: ${(err as Error).message}`));
    await runCleanups();
  }
}

// ------------------------------------------------------------------------------ report

const fmt = (s: Summary) => `${s.p50} / ${s.p95} / ${s.p99}`;

async function main(): Promise<void> {
  log(`broadcast bench: ${RECIPIENTS} recipients, batch ${BATCH}, inbound ${RATE}/s over ${INBOUND_CONTACTS} contacts; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const drop = () => undefined;
  Runtime.install({
    logger: { log: drop, trace: drop, debug: drop, info: drop, warn: drop, error: (m: string) => console.error(m) },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const sampler = new Sampler(250);
  sampler.track('bench', () => [process.pid]);
  sampler.start();
  const baseline = args['skip-baseline'] ? null : await bareTemporal(sampler);
  const measured = await parley(sampler);
  sampler.stop();

  const { broadcast, repliesQuiet, repliesDuringBroadcast } = measured;
  const ms = broadcast.cpu.msPerMessage;
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    row(['', 'Parley (broadcast to the simulator)', 'baseline, same run']),
    row(['---', '---', '---']),
    row([`recipients/min (${RECIPIENTS}, start → COMPLETED)`, broadcast.perMinute, baseline ? `${baseline.perMinute} (bare Temporal, activity per ${BATCH})` : 'skipped']),
    row(['Temporal CPU ms / message (net of idle)', `${ms.temporal} (${broadcast.cpuNetOfIdleMsPerMessage.temporal})`, baseline ? baseline.cpu.msPerMessage.temporal : '']),
    row(['Postgres CPU ms / message (net of idle)', `${ms.postgres} (${broadcast.cpuNetOfIdleMsPerMessage.postgres})`, '(none)']),
    row(['platform CPU ms / message (net of idle)', `${ms.app} (${broadcast.cpuNetOfIdleMsPerMessage.app})`, baseline ? `${baseline.cpu.msPerMessage.bench} (worker, in the bench process)` : '']),
    row(['CPU seconds: Temporal, Postgres, platform', `${broadcast.cpu.cpuSeconds.temporal}, ${broadcast.cpu.cpuSeconds.postgres}, ${broadcast.cpu.cpuSeconds.app}`, baseline ? `${baseline.cpu.cpuSeconds.temporal}, -, ${baseline.cpu.cpuSeconds.bench}` : '']),
    row([`keyword reply p50 / p95 / p99 ms at ${RATE}/s`, `${fmt(repliesDuringBroadcast.latencyMs)} (during; ${repliesDuringBroadcast.replied}/${repliesDuringBroadcast.offered})`, `${fmt(repliesQuiet.latencyMs)} (no broadcast; ${repliesQuiet.replied}/${repliesQuiet.offered})`]),
    row(['other load, % of a core', broadcast.cpu.pctOfOneCore.other, `${baseline ? `${baseline.cpu.pctOfOneCore.other} (bare)` : ''}; ${repliesQuiet.cpu.pctOfOneCore.other} (quiet replies)`]),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  const targets = {
    [`≥ ${TARGET_PER_MIN} msg/min`]: broadcast.completed && broadcast.perMinute >= TARGET_PER_MIN,
    [`keyword reply p99 < ${TARGET_REPLY_P99_MS} ms during the broadcast`]: repliesDuringBroadcast.missing === 0 && repliesDuringBroadcast.latencyMs.p99 < TARGET_REPLY_P99_MS,
    'every recipient once on the wire': broadcast.wire.messages === broadcast.wire.recipients && broadcast.wire.recipients === (broadcast.recipients.SENT ?? 0),
  };
  for (const [k, v] of Object.entries(targets)) console.log(`  ${k}: ${v ? 'HOLDS' : 'MISSED'}`);
  console.log(`  progress (s since start, recipients done): ${broadcast.progress.map(([s, n]) => `${s}:${n}`).join(' ')}`);
  console.log('  where a reply\'s time goes during the broadcast (p50 / p95 / p99 ms):');
  for (const [stage, s] of Object.entries(repliesDuringBroadcast.stages)) console.log(`    ${stage}: ${fmt(s)}   (no broadcast: ${fmt(repliesQuiet.stages[stage])})`);

  const file = args.out ?? path.join(ROOT, 'bench/results', `broadcasts-${new Date().toISOString().slice(0, 10)}.json`);
  const json = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, loadAverageAtStart: os.loadavg() },
    params: { recipients: RECIPIENTS, batch: BATCH, inboundRatePerSec: RATE, quietS: QUIET_S, inboundContacts: INBOUND_CONTACTS },
    setup: 'fresh Temporal dev server (SQLite WAL) per system; Parley as one child process (api, worker, connector) on a durable Postgres; bare baseline worker in the bench process; all on 127.0.0.1; the machine is shared with other sessions (other load is recorded)',
    targets,
    baseline,
    ...measured,
  };
  writeResults(file, json);
}

run(main);
