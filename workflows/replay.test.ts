/**
 * Replays recorded conversation histories (workflows/__fixtures__/histories, recorded by the
 * conversation suite with RECORD_HISTORIES=1) against the current workflow code. Conversations
 * run for days: a change that makes their history no longer match the code (a command added,
 * removed or reordered without `patched()`) would fail every running one on its next task.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

const FIXTURES = path.resolve(__dirname, '__fixtures__/histories');
const BUNDLE = path.resolve(__dirname, '../dist/workflows.js');

const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.binpb')).sort();

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThan(10);
});

test.each(files)('replays %s without a determinism error', async (file) => {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(FIXTURES, file)));
  // npm test builds the bundle first (scripts/check-workflows.ts); without it the worker bundles the sources.
  const code = fs.existsSync(BUNDLE) ? { workflowBundle: { codePath: BUNDLE } } : { workflowsPath: path.resolve(__dirname, 'index.ts') };
  await Worker.runReplayHistory(code, history, file);
});
