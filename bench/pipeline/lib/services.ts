/**
 * The bench's own services, through scripts/services.ts: a durable Postgres in .data/bench/postgres
 * and one fresh Temporal dev server (new SQLite file) per system under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { startPostgres, startTemporal, isAlive, type RunningService } from '../../../scripts/services';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BENCH_DATA = path.join(ROOT, '.data/bench');
export const NODE = path.join(ROOT, 'node_modules/.bin/node');

export async function freshTemporal(name: string, port: number, log: (l: string) => void): Promise<RunningService & { address: string }> {
  const dbFile = path.join(BENCH_DATA, `temporal-${name}.db`);
  // A server left by a killed bench run holds the file: stop it, then start from an empty file.
  const pidFile = `${dbFile}.pid`;
  const leftover = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : 0;
  if (leftover && isAlive(leftover) && fs.readFileSync(`/proc/${leftover}/cmdline`, 'utf8').includes('temporal')) {
    log(`stopping a temporal server left by an earlier run (pid ${leftover})`);
    process.kill(leftover, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(leftover); i++) await new Promise((r) => setTimeout(r, 100));
  }
  for (const suffix of ['', '-wal', '-shm', '.log', '.pid']) fs.rmSync(`${dbFile}${suffix}`, { force: true });
  return startTemporal({ dbFile, port, uiPort: 0, log });
}

/** Postgres (durable, as the product runs it) with a freshly created database. */
export async function freshPostgres(port: number, database: string, log: (l: string) => void): Promise<RunningService & { url: string }> {
  const service = await startPostgres({ dataDir: path.join(BENCH_DATA, 'postgres'), port, database: 'postgres', durable: true, log });
  const admin = new pg.Client({ connectionString: `postgres://parley@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  return { ...service, url: `postgres://parley@127.0.0.1:${port}/${database}` };
}

export async function temporalClient(address: string): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export interface HistoryStats {
  workflows: number;
  /** Inbound messages (signals) in those histories. */
  signals: number;
  events: number;
  eventsPerSignal: number;
  /** Event type → count per signal. */
  perSignal: Record<string, number>;
  runs: number;
}

/** Reads whole histories (every run, following continue-as-new) and counts events by type. */
export async function historyStats(client: Client, workflowIds: string[]): Promise<HistoryStats> {
  const byType: Record<string, number> = {};
  let signals = 0;
  let events = 0;
  let runs = 0;
  for (const workflowId of workflowIds) {
    let runId: string | undefined;
    for (let hop = 0; hop < 20; hop++) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      runs++;
      let next: string | undefined;
      for (const event of history.events ?? []) {
        const type = eventType(event as Record<string, unknown>);
        byType[type] = (byType[type] ?? 0) + 1;
        events++;
        if (type === 'WorkflowExecutionSignaled') signals++;
        const can = (event as { workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string } }).workflowExecutionContinuedAsNewEventAttributes;
        if (can?.newExecutionRunId) next = can.newExecutionRunId;
      }
      if (!next) break;
      runId = next;
    }
  }
  const perSignal: Record<string, number> = {};
  for (const [type, count] of Object.entries(byType).sort((a, b) => b[1] - a[1])) perSignal[type] = round2(count / Math.max(1, signals));
  return { workflows: workflowIds.length, signals, events, eventsPerSignal: round2(events / Math.max(1, signals)), perSignal, runs };
}

function eventType(event: Record<string, unknown>): string {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes') && event[k] != null);
  if (!key) return 'Unknown';
  const name = key.replace(/EventAttributes$/, '');
  return name[0].toUpperCase() + name.slice(1);
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
