/**
 * Replays recorded conversation histories (workflows/__fixtures__/histories/<recording>/, one folder
 * per RECORD_HISTORIES=1 run of an integration suite) against the current workflow code. Conversations
 * run for days: a change that makes their history no longer match the code (a command added,
 * removed or reordered without `patched()`) would fail every running one on its next task.
 *
 * The test bundles workflows/ itself, as the worker does: a stale dist/workflows.js cannot pass it.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { workflowBundleOptions } from '../scripts/workflow-bundle';
import { testDataConverter } from '../test/support/services-env';
import { readRecordedHistory, recordedHistories } from './__fixtures__/record-histories';

const files = recordedHistories();
let bundle: WorkflowBundle;

beforeAll(async () => {
  // One replay worker per history: without this each says RUNNING … STOPPED at INFO.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The platform's own bundle options: the sandbox the workers run is the one replayed.
  bundle = await bundleWorkflowCode({ ...(await workflowBundleOptions()), logger: new DefaultLogger('WARN') });
});

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThan(10);
});

test.each(files)('replays %s without a determinism error', async (file) => {
  const history = readRecordedHistory(file);
  // Histories recorded through the payload codec decode with the key the test platforms use; older, plain ones pass through.
  const dataConverter = testDataConverter();
  await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, file);
});
