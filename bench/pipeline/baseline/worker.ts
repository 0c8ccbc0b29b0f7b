/**
 * The baseline worker, run as a child process of the bench (like Parley's platform is): serves
 * the baseline workflow and its no-op activity, and reports each activity's run time to the
 * parent over IPC, batched every 20 ms.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createBaselineActivities } from './activities';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7253';
const taskQueue = process.env.BASELINE_TASK_QUEUE ?? 'bench-baseline';

async function main(): Promise<void> {
  if (!process.send) throw new Error('run by bench/pipeline/run.ts (needs an IPC channel)');
  const drop = () => undefined;
  Runtime.install({
    logger: { log: drop, trace: drop, debug: drop, info: drop, warn: drop, error: (m: string) => console.error(m) },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  let buffer: [string, number][] = [];
  const flush = setInterval(() => {
    if (!buffer.length) return;
    process.send!({ type: 'effects', effects: buffer });
    buffer = [];
  }, 20);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.join(HERE, 'workflows.ts'),
    activities: createBaselineActivities((key, atMs) => buffer.push([key, atMs])),
  });
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'stop' && worker.getState() === 'RUNNING') worker.shutdown();
  });
  process.on('disconnect', () => worker.getState() === 'RUNNING' && worker.shutdown());
  const running = worker.run();
  process.send({ type: 'ready' });
  await running;
  clearInterval(flush);
  await connection.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
