/**
 * What the entities say the schema is, against what the committed migrations build: both
 * `migration:check` (and its test) and `migration:create` start from a scratch database migrated
 * to the last committed migration, then ask MikroORM's schema generator for the difference.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { createOrm, migrate, type Orm } from './orm';

/** The SQL that would bring a freshly migrated database to the entities; empty when they agree. */
export interface SchemaDrift {
  up: string;
}

/** The drift between the entities and the committed migrations, on a scratch database of `serverUrl`'s server. */
export async function migrationDiff(serverUrl: string): Promise<SchemaDrift> {
  return withMigratedScratchDatabase(serverUrl, async (orm) => {
    const { up } = await orm.schema.getUpdateSchemaMigrationSQL({ wrap: false });
    return { up: up.trim() };
  });
}

/** Runs `work` on a new database of `serverUrl`'s server, migrated to the last committed migration, then drops it. */
export async function withMigratedScratchDatabase<T>(serverUrl: string, work: (orm: Orm) => Promise<T>): Promise<T> {
  const name = `parley_migrations_${randomBytes(5).toString('hex')}`;
  const url = new URL(serverUrl);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const orm = await createOrm(withDatabase(url, name), 2);
    try {
      await migrate(orm);
      return await work(orm);
    } finally {
      await orm.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name}`).catch(() => undefined);
    await admin.end();
  }
}

function withDatabase(url: URL, database: string): string {
  const copy = new URL(url);
  copy.pathname = `/${database}`;
  return copy.toString();
}

/**
 * A Postgres server for the scratch database: DATABASE_URL's, or the embedded one `npm start`
 * runs in .data/postgres (started for the call and stopped after, unless it was already running).
 */
export async function withPostgresServer<T>(work: (serverUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL);
  const { isPortFree, startPostgres } = await import('../scripts/services');
  const { localSecrets } = await import('../activities/local-secrets');
  const parleyData = path.resolve(process.env.PARLEY_DATA_DIR ?? '.data');
  const port = Number(process.env.POSTGRES_PORT ?? 54329);
  // A running `npm start` keeps its Postgres: it is adopted for the call, never stopped.
  const startedHere = await isPortFree(port);
  // Locked down as `npm start` runs it; the scratch database needs the superuser.
  const passwords = localSecrets(parleyData, ['postgres']).postgres;
  const server = await startPostgres({ dataDir: path.join(parleyData, 'postgres'), port, database: 'parley', durable: true, passwords });
  try {
    return await work(server.adminUrl);
  } finally {
    if (startedHere) await server.stop();
  }
}
