/**
 * The process that runs Parley's roles: `npm start -- --role api,worker` runs it directly
 * (unsupervised: against external services, where the service manager or compose's restart
 * policy restarts it), and bare `npm start` runs it as its supervised child. It seeds the demo
 * workspace when asked and prints where to open things; SIGINT / SIGTERM stop it cleanly.
 */
import path from 'node:path';
import { loadConfig } from '../activities/config';
import { startPlatform, ROLES, type Log, type PlatformRole } from './platform';
import { seedDemo, DEMO_LOGIN } from './seed';

export async function runRoles(roleList: string, log: Log): Promise<void> {
  const roles = parseRoles(roleList);
  let stopping = false;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping`);
    await platform?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Under `npm start` the IPC channel closes when the supervisor dies, however it died.
  if (process.connected) process.on('disconnect', () => void shutdown('supervisor gone'));

  const config = loadConfig(process.env);
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
  Ctrl-C stops it; data stays in ${path.resolve(config.dataDir)}.
`);
  }
}

function parseRoles(value: string): PlatformRole[] {
  if (!value || value === 'all') return [...ROLES];
  const roles = value.split(',').map((r) => r.trim());
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`unknown role "${role}"; use ${ROLES.join(', ')} or all`);
  }
  return roles as PlatformRole[];
}
