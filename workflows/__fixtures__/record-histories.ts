/**
 * `RECORD_HISTORIES=1` in an integration suite keeps every conversation (or ingestion) run it drove as a fixture
 * for workflows/replay.test.ts, in a new folder per recording (`histories/<date>T<hhmm>-<suite>`): older
 * recordings stay, so the histories of every earlier workflow version keep being replayed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
// The default export: a named import of this CommonJS package fails under Node's own ESM loader (tsx, bench/replay).
import proto from '@temporalio/proto';

const temporalProto = proto.temporal;
export const HISTORIES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'histories');

/** Writes the histories of every run of the workflow type (conversationWorkflow by default) the server knows into a new folder; returns it. */
export async function recordHistories(temporal: Client, suite: string, workflowType = 'conversationWorkflow', workflowIds?: string[]): Promise<string> {
  // Named by the minute, never overwritten: a second recording on the same day keeps the first.
  const dir = path.join(HISTORIES_DIR, `${new Date().toISOString().slice(0, 16).replace(':', '')}-${suite}`);
  fs.mkdirSync(dir, { recursive: false });
  let n = 0;
  const only = workflowIds ? ` AND WorkflowId IN (${workflowIds.map((id) => `'${id}'`).join(', ')})` : '';
  for await (const run of temporal.workflow.list({ query: `WorkflowType = '${workflowType}'${only}` })) {
    // Binary protobuf: the SDK's JSON reader trips over the two protobufjs copies npm installs.
    const history = await temporal.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const file = `${String(++n).padStart(2, '0')}.${run.workflowId.replace(/[^\w-]/g, '_')}.binpb`;
    fs.writeFileSync(path.join(dir, file), temporalProto.api.history.v1.History.encode(history).finish());
  }
  return dir;
}

/** Every recorded history, as paths relative to HISTORIES_DIR, oldest recording first. */
export function recordedHistories(): string[] {
  return fs
    .readdirSync(HISTORIES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.binpb'))
    .sort();
}

/** One recorded history (a path from recordedHistories), decoded. */
export function readRecordedHistory(file: string): proto.temporal.api.history.v1.History {
  return temporalProto.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES_DIR, file)));
}
