/**
 * Bundles the workflows exactly as the worker does, into dist/workflows.js: a workflow file that
 * imports a Node module (or an activity implementation instead of its type) fails here, and the
 * worker loads the bundle instead of running webpack in the platform process.
 * `--if-stale` (npm start, the bench): only when a workflow source is newer than the bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WORKFLOW_BUNDLE, workflowBundleIsFresh, workflowBundleOptions } from './workflow-bundle';

if (process.argv.includes('--if-stale') && workflowBundleIsFresh()) process.exit(0);
// Loaded only when there is bundling to do: the SDK takes a second to import.
const { bundleWorkflowCode } = await import('@temporalio/worker');
const { code } = await bundleWorkflowCode({
  // With the failure converter: failures the workflow code raises are encoded (and so sealed) like the workers' own.
  ...(await workflowBundleOptions()),
  logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error },
});
fs.mkdirSync(path.dirname(WORKFLOW_BUNDLE), { recursive: true });
fs.writeFileSync(WORKFLOW_BUNDLE, code);
console.log(`workflows bundle: ${(code.length / 1024).toFixed(0)} KiB, no Node imports → dist/workflows.js`);
