/**
 * Runs Parley as a real child process (the same `scripts/start.ts` that `npm start` runs)
 * against the test Postgres and Temporal, each call on a fresh database unless one is given;
 * and what every suite calls it with (GraphQL, subscriptions, a workspace, the database), which
 * works the same on the in-process api of test/support/app.ts.
 */
import type { ChildProcess } from 'node:child_process';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { spawnPlatform } from '../../scripts/spawn-platform';
import {
  embeddedDatabaseUrl,
  TEST_DATA,
  TEST_ENCRYPTION_KEY,
  TEST_JWT_SECRET,
  TEST_ROOT,
  TEST_TEMPORAL_ADDRESS,
  testDatabaseUrl,
} from './services-env';

export interface PlatformProcess {
  /** http://127.0.0.1:PORT, when the api role runs. */
  url: string;
  databaseUrl: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM and wait: a clean shutdown. */
  stop(): Promise<void>;
  /** SIGKILL, no cleanup: a crash. */
  kill(): Promise<void>;
}

export interface StartOptions {
  roles?: string;
  /** Reuse a database (to restart after a crash); a fresh one otherwise. */
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Run as bare `npm start` does: its own Postgres and Temporal dev server in `dataDir`. */
  embedded?: { dataDir: string; postgresPort: number; temporalPort: number };
  /** Pass `--role` (external services); false runs `scripts/start.ts` bare, as `npm start` does. */
  args?: string[];
  detached?: boolean;
}

export const NODE = path.join(TEST_ROOT, 'node_modules/.bin/node');

export async function createTestDatabase(): Promise<string> {
  const name = `parley_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return testDatabaseUrl(name);
}

export async function startPlatform(options: StartOptions = {}): Promise<PlatformProcess> {
  const embedded = options.embedded;
  let databaseUrl = embedded ? '' : (options.databaseUrl ?? (await createTestDatabase()));
  const roles = options.roles ?? 'api,worker,connector';
  const args = embedded ? [] : (options.args ?? ['--role', roles]);
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: TEST_TEMPORAL_ADDRESS,
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    PARLEY_DATA_DIR: path.join(TEST_DATA, 'platform'),
    OUTBOX_SWEEP_MS: '1000',
    OUTBOX_GRACE_MS: '500',
    LOG_LEVEL: 'error',
    // Every suite signs up many accounts from 127.0.0.1; the security suite tests the default limits.
    AUTH_CALLS_PER_IP_PER_MINUTE: '100000',
    AUTH_SIGNUPS_PER_IP_PER_HOUR: '100000',
    ...options.env,
  };
  if (embedded) {
    delete env.DATABASE_URL;
    delete env.TEMPORAL_ADDRESS;
    Object.assign(env, {
      PARLEY_DATA_DIR: embedded.dataDir,
      POSTGRES_PORT: String(embedded.postgresPort),
      TEMPORAL_PORT: String(embedded.temporalPort),
      // No Web UI unless the suite asks for one.
      TEMPORAL_UI_PORT: options.env?.TEMPORAL_UI_PORT ?? '0',
    });
  }
  const { url, child, output, exited } = await spawnPlatform({ root: TEST_ROOT, args, env, api: embedded !== undefined || roles.includes('api'), detached: options.detached });
  // The embedded Postgres takes a password, which npm start generated.
  if (embedded) databaseUrl = embeddedDatabaseUrl(embedded.dataDir, embedded.postgresPort);

  return {
    url,
    databaseUrl,
    process: child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        if (options.detached) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface GqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/**
 * Where a test's requests go: a spawned platform's URL (real HTTP), or an in-process api
 * (test/support/app.ts) called through Fastify's inject.
 */
export type Api = string | { url: string; inject(options: InjectOptions): Promise<LightMyRequestResponse> };

/** The header the dashboard sends on every GraphQL request (the API's CSRF prevention). */
export const CSRF_HEADERS = { 'x-graphql-yoga-csrf': '1' };

export async function gql<T = any>(api: Api, query: string, variables: object = {}, token?: string): Promise<GqlResult<T>> {
  const headers = { 'content-type': 'application/json', ...CSRF_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const body = JSON.stringify({ query, variables });
  if (typeof api !== 'string') return (await api.inject({ method: 'POST', url: '/graphql', headers, payload: body })).json() as GqlResult<T>;
  const response = await fetch(`${api}/graphql`, { method: 'POST', headers, body });
  return (await response.json()) as GqlResult<T>;
}

/** gql that fails the test on any error. */
export async function gqlOk<T = any>(api: Api, query: string, variables: object = {}, token?: string): Promise<T> {
  const result = await gql<T>(api, query, variables, token);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL error: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export interface Subscription<T> {
  /** Every `next` payload received so far, in order. */
  events: T[];
  /** Resolves once the server has accepted the subscription (its response has started). */
  ready: Promise<void>;
  close(): void;
}

/** A GraphQL subscription over SSE, as the dashboard opens one: collects what the server pushes. */
export function subscribe<T = any>(api: Api, query: string, variables: object = {}, token?: string): Subscription<T> {
  const events: T[] = [];
  const abort = new AbortController();
  const ready = (async () => {
    const response = await fetch(`${typeof api === 'string' ? api : api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...CSRF_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    if (!response.ok || !response.body) throw new Error(`subscription refused: HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
            if (frame.includes('event: next') && data) events.push(JSON.parse(data).data as T);
          }
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
    })();
  })();
  return { events, ready, close: () => abort.abort() };
}

export interface TestWorkspace {
  token: string;
  refreshToken: string;
  workspaceId: string;
  channelId: string;
  email: string;
}

/** Signs up a fresh owner with a simulator channel and the given keyword rules. */
export async function createWorkspace(
  api: Api,
  rules: { keywords: string[]; matchType: string; reply: string; priority?: number }[] = [],
): Promise<TestWorkspace> {
  const email = `owner-${randomBytes(4).toString('hex')}@example.com`;
  const { signUp } = await gqlOk(api, `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken refreshToken workspace { id } } }`, {
    i: { email, password: 'correct horse battery', name: 'Test Owner', workspaceName: 'Test Shop' },
  });
  const token = signUp.accessToken;
  const { createChannel } = await gqlOk(api, `mutation { createChannel(input: { kind: SIMULATOR, name: "Sim" }) { id } }`, {}, token);
  for (const rule of rules) {
    await gqlOk(api, `mutation($i: CreateKeywordRuleInput!) { createKeywordRule(input: $i) { id } }`, { i: rule }, token);
  }
  return { token, refreshToken: signUp.refreshToken, workspaceId: signUp.workspace.id, channelId: createChannel.id, email };
}

/** A customer message from `from` on the workspace's simulator channel, as the ingress stored it. */
export async function simulateInbound(api: Api, ws: TestWorkspace, from: string, text: string): Promise<{ id: string; conversationId: string }> {
  const { simulateInbound: message } = await gqlOk(
    api,
    `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { id conversationId } }`,
    { i: { channelId: ws.channelId, from, text } },
    ws.token,
  );
  return message;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function query<T = any>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
