import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowBundleIsFresh } from './workflow-bundle';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bundle-'));
const bundle = path.join(dir, 'workflows.js');
const workflows = path.join(dir, 'workflows');

beforeAll(() => {
  for (const file of ['index.ts', 'flows/flow-graph.ts', 'flows/flow-graph.test.ts', '__fixtures__/record.ts']) {
    fs.mkdirSync(path.dirname(path.join(workflows, file)), { recursive: true });
    fs.writeFileSync(path.join(workflows, file), '');
    setMtime(file, 1_000);
  }
  fs.writeFileSync(bundle, '');
  fs.utimesSync(bundle, 2_000, 2_000);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function setMtime(file: string, seconds: number): void {
  fs.utimesSync(path.join(workflows, file), seconds, seconds);
}

test('a bundle newer than every workflow source is fresh; tests and fixtures do not count', () => {
  setMtime('flows/flow-graph.test.ts', 3_000);
  setMtime('__fixtures__/record.ts', 3_000);
  expect(workflowBundleIsFresh(bundle, workflows)).toBe(true);
});

test('an edit under workflows/flows makes the bundle stale, so npm start rebuilds it', () => {
  setMtime('flows/flow-graph.ts', 3_000);
  expect(workflowBundleIsFresh(bundle, workflows)).toBe(false);
  setMtime('flows/flow-graph.ts', 1_000);
});

test('no bundle is never fresh', () => {
  expect(workflowBundleIsFresh(path.join(dir, 'missing.js'), workflows)).toBe(false);
});
