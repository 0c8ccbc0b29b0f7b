/**
 * `npm start [-- --role api|worker|connector[,…]]`. Without a role it runs all three in this
 * process and, unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere, the embedded Postgres
 * and Temporal dev server too; it seeds the demo workspace and prints where to open things.
 * Ctrl-C stops everything it started; the data stays in .data/ for the next start.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../activities/config';
import { startPlatform, ROLES, type PlatformRole } from './platform';
import { startPostgres, startTemporal, type RunningService } from './services';
import { seedDemo, DEMO_LOGIN } from './seed';

const log = (msg: string, err?: unknown) => console.log(`[parley] ${msg}${err ? `: ${(err as Error)?.stack ?? String(err)}` : ''}`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' } } });
  const roles = parseRoles(values.role);
  const embedded = roles.length === ROLES.length && !values.role;
  const dataDir = path.resolve(process.env.PARLEY_DATA_DIR ?? '.data');
  const services: RunningService[] = [];
  let stopping = false;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;

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

  const defaults: { databaseUrl?: string; temporalAddress?: string; temporalUiUrl?: string; seedDemo?: boolean } = { seedDemo: embedded };
  if (embedded && !process.env.DATABASE_URL) {
    const pg = await startPostgres({ dataDir: path.join(dataDir, 'postgres'), port: Number(process.env.POSTGRES_PORT ?? 54329), database: 'parley', durable: true, log });
    services.push(pg);
    defaults.databaseUrl = pg.url;
  }
  if (embedded && !process.env.TEMPORAL_ADDRESS) {
    const temporal = await startTemporal({
      dbFile: path.join(dataDir, 'temporal.db'),
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      log,
    });
    services.push(temporal);
    defaults.temporalAddress = temporal.address;
    defaults.temporalUiUrl = temporal.uiUrl;
  }

  const config = loadConfig(process.env, defaults);
  platform = await startPlatform(config, roles, log);
  if (config.seedDemo) {
    const { created } = await seedDemo(platform.orm);
    if (created) log('seeded the demo workspace');
  }

  log(`running roles: ${roles.join(', ')}`);
  if (platform.apiUrl) {
    console.log(`
  Parley is running.
    Dashboard     ${platform.apiUrl}/
    GraphQL       ${platform.apiUrl}/graphql
    Temporal UI   ${config.temporalUiUrl}
    Demo login    ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}${config.seedDemo ? '' : ' (not seeded: PARLEY_SEED_DEMO=false)'}
  Ctrl-C stops it; data stays in ${dataDir}.
`);
  }
}

function parseRoles(value: string | undefined): PlatformRole[] {
  if (!value || value === 'all') return [...ROLES];
  const roles = value.split(',').map((r) => r.trim());
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`unknown role "${role}"; use ${ROLES.join(', ')} or all`);
  }
  return roles as PlatformRole[];
}

main().catch((err) => {
  log('failed to start', err);
  process.exit(1);
});
