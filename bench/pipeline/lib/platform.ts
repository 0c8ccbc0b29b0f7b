/**
 * Runs Parley as a real child process, exactly as the tests do (scripts/spawn-platform.ts):
 * `node --import tsx scripts/start.ts --role api,worker,connector`.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnPlatform as spawnStartScript } from '../../../scripts/spawn-platform';
import { NODE, ROOT, BENCH_DATA } from './services';

export interface PlatformChild {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function spawnPlatform(opts: { databaseUrl: string; temporalAddress: string; roles?: string; env?: Record<string, string> }): Promise<PlatformChild> {
  const roles = opts.roles ?? 'api,worker,connector';
  // As npm start does: a stale bundle would make the worker run webpack in the measured process.
  execFileSync(NODE, ['--import', 'tsx', path.join(ROOT, 'scripts/check-workflows.ts'), '--if-stale'], { cwd: ROOT, stdio: 'ignore' });
  const { url, child, output, exited } = await spawnStartScript({
    root: ROOT,
    args: ['--role', roles],
    api: roles.includes('api'),
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
      ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      PARLEY_DATA_DIR: path.join(BENCH_DATA, 'platform'),
      PARLEY_SEED_DEMO: 'false',
      ...opts.env,
    },
  });

  return {
    url,
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 20_000))]);
      if (killed && child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export async function gql<T = any>(url: string, query: string, variables: object = {}, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}
