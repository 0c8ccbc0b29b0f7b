/**
 * AI reply overhead: inbound → reply through the AI route with a fake LLM that answers in a fixed
 * 300 ms, at 10 msg/s over 100 contacts, beside the keyword route in the same run (same platform,
 * same services, one phase after the other). Reports p50/p99 inbound → sent, and for the AI route
 * the same minus the model's 300 ms; the target is < 150 ms p99 added over the keyword route.
 *
 *   node_modules/.bin/node --import tsx bench/ai-reply/run.ts [--rate 10 --contacts 100 --seconds 20]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freshPostgres, freshTemporal, ROOT } from '../pipeline/lib/services';
import { spawnPlatform, gql } from '../pipeline/lib/platform';
import { openLoop, summarize, pollUntil, type Summary } from '../pipeline/lib/load';
import { answer, startFakeLlm } from '../../test/support/fake-llm-server';

/** What the fake model takes to answer: the bench subtracts it. */
const MODEL_MS = 300;
const POSTGRES_PORT = 54369;
const TEMPORAL_PORT = 7264;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '10' }, contacts: { type: 'string', default: '100' }, seconds: { type: 'string', default: '20' } } });
  const rate = Number(values.rate);
  const contacts = Number(values.contacts);
  const n = rate * Number(values.seconds);
  const log = (line: string) => console.log(`[ai-reply] ${line}`);
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const llm = await startFakeLlm();
    cleanups.push(() => llm.close());
    llm.respond(() => ({ ...answer('Thanks! Here is what you asked for.'), delayMs: MODEL_MS }));
    const postgres = await freshPostgres(POSTGRES_PORT, 'parley_bench_ai', log);
    cleanups.push(() => postgres.stop());
    const temporal = await freshTemporal('ai-reply', TEMPORAL_PORT, log);
    cleanups.push(() => temporal.stop());
    const platform = await spawnPlatform({ databaseUrl: postgres.url, temporalAddress: temporal.address, env: { LOG_LEVEL: 'error' } });
    cleanups.push(() => platform.stop());
    const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
    cleanups.push(() => db.end());

    const keyword = await workspace(platform.url, 'Keyword');
    await gql(platform.url, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: { keywords: ['order'], matchType: 'CONTAINS', reply: 'Thanks, your order is confirmed' } }, keyword.token);
    const ai = await workspace(platform.url, 'AI');
    await gql(platform.url, `mutation($i: AiSettingsInput!) { updateAiSettings(input: $i) { enabled } }`, {
      i: { enabled: true, debounceSeconds: 0, providers: [{ kind: 'ANTHROPIC', baseUrl: llm.url, model: 'bench-model', apiKey: 'bench-key' }] },
    }, ai.token);

    const results: Record<string, Summary & { failed: number }> = {};
    for (const [route, ws] of [['keyword', keyword], ['ai', ai]] as const) {
      const send = (i: number) => simulate(platform.url, ws, `+4915${route === 'ai' ? 2 : 1}${String(1000000 + (i % contacts))}`, `Hi, I want to order item ${i}`);
      log(`${route}: warm-up, one message per contact`);
      await measure(db, await openLoop({ n: contacts, ratePerSec: rate, send }), 0);
      log(`${route}: ${n} messages at ${rate}/s over ${contacts} contacts`);
      results[route] = await measure(db, await openLoop({ n, ratePerSec: rate, send }), route === 'ai' ? MODEL_MS : 0);
    }
    const table = [
      '| route | replies | failed | p50 ms | p95 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|',
      ...Object.entries(results).map(([route, s]) => `| ${route === 'ai' ? `AI (minus the model's ${MODEL_MS} ms)` : 'keyword'} | ${s.count} | ${s.failed} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`),
    ].join('\n');
    console.log(`\n${table}\n\nAI route adds ${(results.ai.p99 - results.keyword.p99).toFixed(1)} ms p99 over the keyword route beyond the model's time (target < 150 ms).`);
    const out = path.join(ROOT, 'bench/results', `ai-reply-${new Date().toISOString().slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify({ rate, contacts, n, modelMs: MODEL_MS, results }, null, 2));
    log(`wrote ${path.relative(ROOT, out)}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function workspace(url: string, name: string): Promise<{ token: string; channelId: string }> {
  const { signUp } = await gql(url, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }`, {
    i: { email: `bench-${name.toLowerCase()}-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Bench Owner', workspaceName: `${name} Shop` },
  });
  const { createChannel } = await gql(url, `mutation { createChannel(input: { kind: SIMULATOR, name: "Bench" }) { id } }`, {}, signUp.accessToken);
  return { token: signUp.accessToken, channelId: createChannel.id };
}

async function simulate(url: string, ws: { token: string; channelId: string }, from: string, text: string): Promise<string> {
  const { simulateInbound } = await gql(url, `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id } }`, { i: { channelId: ws.channelId, from, text } }, ws.token);
  return simulateInbound.id;
}

/** Waits for every reply (60 s at most), then inbound → sent per message, minus `subtractMs`. */
async function measure(db: pg.Pool, run: { records: { key: string | null; sentAtMs: number }[] }, subtractMs: number): Promise<Summary & { failed: number }> {
  const keys = run.records.flatMap((r) => (r.key ? [r.key] : []));
  const sentCount = async () => Number((await db.query('select count(*) as n from messages where reply_to_id = any($1::uuid[]) and sent_at is not null', [keys])).rows[0].n);
  await pollUntil(async () => (await sentCount()) >= keys.length, 60_000);
  const { rows } = await db.query<{ reply_to_id: string; sent_ms: string }>(
    'select reply_to_id, extract(epoch from sent_at) * 1000 as sent_ms from messages where reply_to_id = any($1::uuid[]) and sent_at is not null',
    [keys],
  );
  const sentAt = new Map(rows.map((r) => [r.reply_to_id, Number(r.sent_ms)]));
  const latencies = run.records.flatMap((r) => (r.key && sentAt.has(r.key) ? [sentAt.get(r.key)! - r.sentAtMs - subtractMs] : []));
  return { ...summarize(latencies), failed: run.records.length - latencies.length };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
