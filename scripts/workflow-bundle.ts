/**
 * dist/workflows.js, built by scripts/check-workflows.ts: the worker loads it instead of running
 * webpack in the platform process (a hundred-odd MB of memory and seconds of CPU at start).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOW_BUNDLE = path.join(ROOT, 'dist/workflows.js');
export const WORKFLOWS_DIR = path.join(ROOT, 'workflows');

/** Whether the bundle is newer than every workflow source file (tests and fixtures do not count). */
export function workflowBundleIsFresh(): boolean {
  if (!fs.existsSync(WORKFLOW_BUNDLE)) return false;
  const built = fs.statSync(WORKFLOW_BUNDLE).mtimeMs;
  return fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .every((file) => fs.statSync(path.join(WORKFLOWS_DIR, file)).mtimeMs < built);
}
