/**
 * Runs Parley as a real child process, as test/support/platform.ts does (that module reads
 * __dirname, which tsx's ESM mode does not define): `node --import tsx scripts/start.ts --role
 * api,worker,connector`, its URL read from the "GraphQL http://…/graphql" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { NODE, ROOT, BENCH_DATA } from './services';

export interface PlatformChild {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function spawnPlatform(opts: { databaseUrl: string; temporalAddress: string; roles?: string; env?: Record<string, string> }): Promise<PlatformChild> {
  const roles = opts.roles ?? 'api,worker,connector';
  // The same heap budget scripts/start.sh gives `npm start`.
  const heap = `--max-old-space-size=${process.env.PARLEY_MAX_HEAP_MB ?? 1024}`;
  const child = spawn(NODE, [heap, '--import', 'tsx', path.join(ROOT, 'scripts/start.ts'), '--role', roles], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
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
  let output = '';
  const keep = (d: Buffer) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start within 90 s:\n${output}`)), 90_000);
    const check = () => {
      const api = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(output);
      const ready = api || (!roles.includes('api') && /running roles:/.test(output));
      if (!ready) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve(api?.[1] ?? '');
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code} before it was ready:\n${output}`));
    });
  });

  return {
    url,
    child,
    output: () => output,
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
