/** The published WhatsApp payloads tests read (../shared/fixtures; PARLEY_FIXTURES elsewhere, as in a worktree). */
import fs from 'node:fs';
import path from 'node:path';
import { TEST_ROOT } from './services-env';

export const FIXTURES = path.resolve(process.env.PARLEY_FIXTURES ?? path.join(TEST_ROOT, '..', 'shared', 'fixtures'));

/** A fixture file's JSON, by its path under the fixtures folder ("baileys/motteteams-image.json"). */
export function readFixture<T = any>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;
}

/** The JSON files of one fixtures folder ("baileys"), by name. */
export function fixtureFiles(folder: string): string[] {
  return fs.readdirSync(path.join(FIXTURES, folder)).filter((f) => f.endsWith('.json')).sort();
}
