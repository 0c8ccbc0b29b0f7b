/**
 * `npm run migration:check`: fails when the entities and the committed migrations disagree, printing
 * the SQL a migration would need (`npm run migration:create -- <name>` writes it).
 */
import { migrationDiff, withPostgresServer } from './migration-diff';
import { unlistedMigrations } from './migration-files';

async function main(): Promise<void> {
  const unlisted = unlistedMigrations();
  if (unlisted.length) {
    console.error(`schema/migrations has migrations schema/orm.ts does not list: ${unlisted.join(', ')}`);
    process.exit(1);
  }
  const drift = await withPostgresServer(migrationDiff);
  if (!drift.up) {
    console.log('migration:check: the entities and the committed migrations agree');
    return;
  }
  console.error(`migration:check: the entities and the committed migrations disagree; a migration would need:\n\n${drift.up}\n`);
  console.error('Write it with `npm run migration:create -- <name>` and list it in schema/orm.ts.');
  process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
