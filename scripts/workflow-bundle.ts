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
/** Loaded once per workflow thread before the sandbox is frozen (workflows/sandbox.ts). */
const WORKFLOW_PRELOAD_MODULES = [path.join(WORKFLOWS_DIR, 'sandbox.ts')];

/**
 * How the workflows are bundled wherever they are (dist/workflows.js, the platform's fallback, the
 * replay test, the benches): one sandbox everywhere. The payload codec (and the SDK's protobufs
 * with it) loads only when this is called, so `--if-stale` stays quick.
 */
export async function workflowBundleOptions(): Promise<{ workflowsPath: string; preloadModules: string[]; failureConverterPath: string }> {
  const { FAILURE_CONVERTER_PATH } = await import('../activities/payload-codec');
  return { workflowsPath: path.join(WORKFLOWS_DIR, 'index.ts'), preloadModules: WORKFLOW_PRELOAD_MODULES, failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** Whether the bundle is newer than every workflow source file, in workflows/flows too (tests and fixtures do not count). */
export function workflowBundleIsFresh(bundle = WORKFLOW_BUNDLE, workflowsDir = WORKFLOWS_DIR): boolean {
  if (!fs.existsSync(bundle)) return false;
  const built = fs.statSync(bundle).mtimeMs;
  return fs
    .readdirSync(workflowsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.split(path.sep).some((dir) => dir.startsWith('__')))
    .every((file) => fs.statSync(path.join(workflowsDir, file)).mtimeMs < built);
}
