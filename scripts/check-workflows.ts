/**
 * Bundles the workflows exactly as the worker does, into dist/workflows.js: a workflow file that
 * imports a Node module (or an activity implementation instead of its type) fails here, and the
 * worker loads the bundle instead of running webpack in the platform process.
 * `--if-stale` (npm start, the bench): only when a workflow source is newer than the bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKFLOW_PRELOAD_MODULES, workflowBundleIsFresh } from './workflow-bundle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--if-stale') && workflowBundleIsFresh()) process.exit(0);
// Loaded only when there is bundling to do: the SDK takes a second to import.
const { bundleWorkflowCode } = await import('@temporalio/worker');
const { FAILURE_CONVERTER_PATH } = await import('../activities/payload-codec');
const { code } = await bundleWorkflowCode({
  workflowsPath: path.join(root, 'workflows/index.ts'),
  preloadModules: WORKFLOW_PRELOAD_MODULES,
  // Failures the workflow code raises are encoded (and so sealed) like the workers' own.
  failureConverterPath: FAILURE_CONVERTER_PATH,
  logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error },
});
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist/workflows.js'), code);
console.log(`workflows bundle: ${(code.length / 1024).toFixed(0)} KiB, no Node imports → dist/workflows.js`);
