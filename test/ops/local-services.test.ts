/**
 * The embedded services of a real `npm start` are locked down: Postgres takes passwords only, the
 * platform connects as a role that can read and write rows but not change the schema or read
 * password hashes, and the data folder, secrets and Temporal's database are private to their owner.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createWorkspace, query, startPlatform, type PlatformProcess } from '../support/platform';
import { TEST_DATA, TEST_PG_PORT, TEST_TEMPORAL_PORT } from '../support/services-env';
import { postgresDataDir } from '../../scripts/services';
import { readLocalSecrets } from '../../activities/local-secrets';

const dataDir = path.join(TEST_DATA, 'locked-down');
const port = TEST_PG_PORT + 70;
let platform: PlatformProcess;
let passwords: { superuser: string; owner: string; app: string };

beforeAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(postgresDataDir(path.join(dataDir, 'postgres')), { recursive: true, force: true });
  platform = await startPlatform({ embedded: { dataDir, postgresPort: port, temporalPort: TEST_TEMPORAL_PORT + 70 } });
  passwords = readLocalSecrets(dataDir).postgres!;
});

afterAll(async () => {
  await platform?.stop();
});

async function connect(url: string | pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(typeof url === 'string' ? { connectionString: url } : url);
  await client.connect();
  return client;
}

async function withClient<T>(role: string, password: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(`postgres://${role}:${password}@127.0.0.1:${port}/parley`);
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

test('Postgres refuses a connection without the password, on loopback and on its socket', async () => {
  for (const user of ['parley', 'parley_owner', 'parley_app']) {
    await expect(connect(`postgres://${user}@127.0.0.1:${port}/parley`)).rejects.toThrow(/password/);
    await expect(connect(`postgres://${user}:wrong-password@127.0.0.1:${port}/parley`)).rejects.toThrow(`password authentication failed for user "${user}"`);
  }
  const socketDir = postgresDataDir(path.join(dataDir, 'postgres'));
  await expect(connect({ host: socketDir, port, user: 'parley', password: 'wrong-password', database: 'parley' })).rejects.toThrow(
    'password authentication failed for user "parley"',
  );
});

test('the platform connects as parley_app, which has no role attributes', async () => {
  await createWorkspace(platform.url);
  const sessions = await query<{ usename: string }>(
    platform.databaseUrl,
    `select distinct usename from pg_stat_activity where datname = 'parley' and backend_type = 'client backend' and pid <> pg_backend_pid()`,
  );
  expect(sessions.map((s) => s.usename)).toEqual(['parley_app']);
  const [app] = await query(platform.databaseUrl, `select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname = 'parley_app'`);
  expect(app).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
});

test('parley_app reads and writes rows but cannot create a table or read the password hashes', async () => {
  await withClient('parley_app', passwords.app, async (app) => {
    const { rows } = await app.query(`select count(*)::int as n from users`);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    await expect(app.query(`create table stolen (x int)`)).rejects.toThrow('permission denied for schema public');
    await expect(app.query(`select rolname, rolpassword from pg_authid`)).rejects.toThrow('permission denied for table pg_authid');
    await expect(app.query(`drop table users`)).rejects.toThrow('must be owner of table users');
    await expect(app.query(`alter table users add column pwned text`)).rejects.toThrow('must be owner of table users');
  });
});

test('a table a later migration creates (as parley_owner) is open to parley_app for DML', async () => {
  await withClient('parley_owner', passwords.owner, async (owner) => {
    await owner.query(`create table later_migration (id serial primary key, note text)`);
  });
  try {
    await withClient('parley_app', passwords.app, async (app) => {
      await app.query(`insert into later_migration (note) values ('written by the app')`);
      const { rows } = await app.query(`select note from later_migration`);
      expect(rows).toEqual([{ note: 'written by the app' }]);
      await expect(app.query(`truncate later_migration`)).rejects.toThrow('permission denied for table later_migration');
    });
  } finally {
    await withClient('parley_owner', passwords.owner, (owner) => owner.query(`drop table later_migration`));
  }
});

test('the schema belongs to parley_owner, which is no superuser either', async () => {
  const owners = await query<{ owner: string }>(
    platform.databaseUrl,
    `select distinct pg_get_userbyid(relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`,
  );
  expect(owners.map((o) => o.owner)).toEqual(['parley_owner']);
  const [owner] = await query(platform.databaseUrl, `select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = 'parley_owner'`);
  expect(owner).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
});

test('.data is 0700; secrets.json and the Temporal database are 0600', () => {
  expect(mode(dataDir).toString(8)).toBe('700');
  expect(mode(path.join(dataDir, 'secrets.json')).toString(8)).toBe('600');
  for (const file of fs.readdirSync(dataDir).filter((f) => f.startsWith('temporal.db'))) {
    expect([file, mode(path.join(dataDir, file)).toString(8)]).toEqual([file, '600']);
  }
  expect(fs.existsSync(path.join(dataDir, 'temporal.db-wal'))).toBe(true);
});

test('the platform runs with the launcher settings npm start and the container use: heap budget, async context frames, two malloc arenas', () => {
  const pid = platform.process.pid!;
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  expect(path.basename(argv[0])).toBe('node');
  expect(argv).toEqual(expect.arrayContaining(['--max-old-space-size=1024', '--experimental-async-context-frame', 'scripts/start.ts']));
  expect(env).toContain('MALLOC_ARENA_MAX=2');
});
