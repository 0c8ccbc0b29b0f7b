/**
 * Workflow-thread CPU of the platform's workflow bundle against the SDK's defaults, on the recorded
 * histories of the replay test (workflows/__fixtures__/histories): the same code replayed by a
 * replay worker, which is the work a worker does for a workflow task once per event, with no
 * server, database or network in the figure. The baseline is the same bundle without
 * workflows/sandbox.ts preloaded; the two alternate, pass by pass, so load on the machine reads
 * against both alike.
 *
 *   npm run bench:replay [-- --rounds 3 --passes 3]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { testDataConverter } from '../../test/support/services-env';
import { readRecordedHistory, recordedHistories } from '../../workflows/__fixtures__/record-histories';
import { workflowBundleOptions } from '../../scripts/workflow-bundle';
import { summarize } from '../pipeline/lib/load';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, passes: { type: 'string', default: '3' }, out: { type: 'string' } } });
const ROUNDS = Number(args.rounds);
const PASSES = Number(args.passes);
const ROOT = path.resolve(import.meta.dirname, '../..');
// The recordings made through the codec decode with the test platforms' key, as in the replay test.
const dataConverter = testDataConverter();

Runtime.install({ logger: new DefaultLogger('WARN') });
const histories = recordedHistories().map((file) => ({ workflowId: file, history: readRecordedHistory(file) }));
const events = histories.reduce((n, { history }) => n + (history.events?.length ?? 0), 0);

const logger = new DefaultLogger('WARN');
const { preloadModules, ...sdkDefaults } = await workflowBundleOptions();
const bundles: Record<'parley' | 'sdkDefaults', WorkflowBundle> = {
  parley: await bundleWorkflowCode({ ...sdkDefaults, preloadModules, logger }),
  sdkDefaults: await bundleWorkflowCode({ ...sdkDefaults, logger }),
};

/** CPU ms of this process (the replay worker's threads are its own) for one pass over every history. */
async function pass(bundle: WorkflowBundle): Promise<number> {
  const before = process.cpuUsage();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, dataConverter }, histories)) {
    if (result.error) throw result.error;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e3;
}

console.log(`[bench:replay] ${histories.length} recorded histories, ${events} events; ${ROUNDS} rounds of ${PASSES} passes per bundle`);
const cpu: Record<keyof typeof bundles, number[]> = { parley: [], sdkDefaults: [] };
await pass(bundles.parley); // warm-up: the first pass pays for the JIT
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of Object.keys(bundles) as (keyof typeof bundles)[]) {
    for (let i = 0; i < PASSES; i++) cpu[name].push(await pass(bundles[name]));
    console.log(`[bench:replay] round ${round} ${name}: ${cpu[name].slice(-PASSES).map((ms) => (ms / 1000).toFixed(2)).join(' ')} CPU s per pass`);
  }
}

const parley = summarize(cpu.parley);
const baseline = summarize(cpu.sdkDefaults);
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perEvent = (ms: number) => ((ms * 1000) / events).toFixed(1);
console.log('');
console.log('| CPU per pass over the recorded histories | Parley bundle (sandbox preloaded) | baseline: SDK defaults |');
console.log('| --- | --- | --- |');
console.log(`| p50 CPU s (µs per event) | ${seconds(parley.p50)} (${perEvent(parley.p50)}) | ${seconds(baseline.p50)} (${perEvent(baseline.p50)}) |`);
console.log(`| mean CPU s | ${seconds(parley.mean)} | ${seconds(baseline.mean)} |`);
console.log(`| Parley / baseline (p50) | ${(parley.p50 / baseline.p50).toFixed(3)} | |`);

const date = new Date().toISOString().slice(0, 10);
const file = args.out ?? path.join(ROOT, 'bench/results', `replay-${date}.json`);
fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), histories: histories.length, events, rounds: ROUNDS, passes: PASSES, cpuMsPerPass: cpu, parley, baseline }, null, 2));
console.log(`[bench:replay] results written to ${path.relative(process.cwd(), file)}`);
