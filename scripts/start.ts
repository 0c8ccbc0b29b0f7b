/**
 * `npm start [-- --role api|worker|connector[,…]]`.
 *
 * With `--role` this process runs those roles itself against the services DATABASE_URL and
 * TEMPORAL_ADDRESS name, unsupervised (scripts/run-roles.ts). Bare, it is the embedded default:
 * it starts Postgres and the Temporal dev server (unless DATABASE_URL / TEMPORAL_ADDRESS point
 * elsewhere) and supervises a child that runs all three roles, restarting it with backoff when it
 * dies while the services stay up. Ctrl-C stops the child, then the services; data stays in .data/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { localSecrets, privateDataDir } from '../activities/local-secrets';
import { publicUrlOf } from '../activities/config';
import { postgresInside, startPostgres, startTemporal, type RunningService } from './services';
import { supervise, type Supervisor } from './supervisor';

const log = (msg: string, err?: unknown) => {
  if (err === undefined) console.log(`[parley] ${msg}`);
  // Errors go to stderr, where the supervisor keeps the last lines for its crash report.
  else console.error(`[parley] ${msg}: ${(err as Error)?.stack ?? String(err)}`);
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' } } });
  if (values.role !== undefined) {
    // Loaded only here: the supervisor never holds the ORM, Temporal's runtime or the api.
    const { runRoles } = await import('./run-roles');
    await runRoles(values.role, log);
    return;
  }
  await runEmbedded();
}

async function runEmbedded(): Promise<void> {
  // Whatever this process and its children create (logs, the Temporal database, secrets) is private.
  process.umask(0o077);
  const dataDir = path.resolve(process.env.PARLEY_DATA_DIR ?? '.data');
  privateDataDir(dataDir);
  // An older version put Postgres (running as user postgres) inside; it must still pass through.
  const legacyPostgres = postgresInside(dataDir);
  fs.chmodSync(dataDir, legacyPostgres ? 0o711 : 0o700);
  if (legacyPostgres) log(`${dataDir} is 0711, not 0700: the Postgres data inside it belongs to the postgres user`);
  const services: RunningService[] = [];
  let platform: Supervisor | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await platform?.stop();
    for (const service of services.reverse()) await service.stop().catch((err) => log('service stop failed', err));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const childEnv: NodeJS.ProcessEnv = { ...process.env, PARLEY_DATA_DIR: dataDir, PARLEY_SEED_DEMO: process.env.PARLEY_SEED_DEMO ?? 'true' };
  // The embedded default makes its own token secrets, in production too (the roles' config then reads them).
  if (!process.env.JWT_SECRET || !process.env.ENCRYPTION_KEY) localSecrets(dataDir, ['jwtSecret', 'encryptionKey']);
  if (!process.env.DATABASE_URL) {
    const pg = await startPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: Number(process.env.POSTGRES_PORT ?? 54329),
      database: 'parley',
      durable: true,
      passwords: localSecrets(dataDir, ['postgres']).postgres,
      log,
    });
    services.push(pg);
    childEnv.DATABASE_URL = pg.url;
    childEnv.MIGRATION_DATABASE_URL = pg.migrationUrl!;
  }
  if (!process.env.TEMPORAL_ADDRESS) {
    const temporal = await startTemporal({
      dbFile: path.join(dataDir, 'temporal.db'),
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      uiCodecEndpoint: `${publicUrlOf(process.env)}/codec`,
      log,
    });
    services.push(temporal);
    childEnv.TEMPORAL_ADDRESS = temporal.address;
    if (temporal.uiUrl && !process.env.TEMPORAL_UI_URL) childEnv.TEMPORAL_UI_URL = temporal.uiUrl;
    // The dev server has no flag for the UI's "include credentials": without it the UI's codec requests carry no cookie.
    if (temporal.uiUrl) {
      log(
        `Temporal Web UI ${temporal.uiUrl}: to read encrypted payloads, sign in to the dashboard as an OWNER or ADMIN, then in the UI's ` +
          `"Configure Codec Server" choose "Use my browser setting", enter ${publicUrlOf(process.env)}/codec and tick "Include cross-origin credentials."`,
      );
    }
  }
  if (stopping) return;

  // The child runs this same file with `--role all`, under the same Node flags (heap budget, tsx).
  platform = supervise({
    name: 'platform',
    command: process.execPath,
    args: [...process.execArgv, fileURLToPath(import.meta.url), '--role', 'all'],
    env: childEnv,
    log: (line) => log(line),
  });
}

main().catch((err) => {
  log('failed to start', err);
  process.exit(1);
});
