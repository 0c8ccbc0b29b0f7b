/**
 * `npm run migration:create -- <name>`: generates a migration from the entities with MikroORM's
 * migrator (the difference between a database migrated to the last committed migration and the
 * entities) and writes it to schema/migrations.
 */
import path from 'node:path';
import { withMigratedScratchDatabase, withPostgresServer } from './migration-diff';

const MIGRATIONS_DIR = path.resolve('schema/migrations');

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
    console.error('usage: npm run migration:create -- <snake_case_name>');
    process.exit(2);
  }
  const created = await withPostgresServer((server) =>
    withMigratedScratchDatabase(server, (orm) => orm.migrator.create(MIGRATIONS_DIR, false, false, name)),
  );
  if (!created.fileName) {
    console.log('migration:create: the entities and the committed migrations agree; nothing to write');
    return;
  }
  const className = created.fileName.replace(/\.ts$/, '');
  console.log(`migration:create: wrote schema/migrations/${created.fileName}`);
  console.log(`List it last in migrationsList in schema/orm.ts: import { ${className} } from './migrations/${className}';`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
