/**
 * Bundles the workflows exactly as the worker does: a workflow file that imports a Node module
 * (or an activity implementation instead of its type) fails here, before any test runs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { code } = await bundleWorkflowCode({
  workflowsPath: path.join(root, 'workflows/index.ts'),
  logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error },
});
console.log(`workflows bundle: ${(code.length / 1024).toFixed(0)} KiB, no Node imports`);
