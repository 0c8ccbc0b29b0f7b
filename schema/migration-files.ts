import fs from 'node:fs';
import path from 'node:path';
import { migrationsList } from './orm';

/** Migration files in `dir` that schema/orm.ts does not list (the migrator runs only the listed ones). */
export function unlistedMigrations(dir = path.resolve('schema/migrations')): string[] {
  const listed = new Set(migrationsList.map((m) => m.name));
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.replace(/\.ts$/, ''))
    .filter((name) => !listed.has(name));
}
