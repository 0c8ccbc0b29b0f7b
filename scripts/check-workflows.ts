/**
 * Bundles the workflows exactly as the worker does, into dist/workflows.js: a workflow file that
 * imports a Node module (or an activity implementation instead of its type) fails here, and the
 * worker loads the bundle instead of running webpack in the platform process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { code } = await bundleWorkflowCode({
  workflowsPath: path.join(root, 'workflows/index.ts'),
  logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error },
});
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist/workflows.js'), code);
console.log(`workflows bundle: ${(code.length / 1024).toFixed(0)} KiB, no Node imports → dist/workflows.js`);
