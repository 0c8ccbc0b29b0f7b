/**
 * The api role built in the test's own process, the way scripts/platform.ts builds it: the ORM on
 * a fresh test database with the migrations run, a Temporal client on the test server, the live
 * relay fed by Postgres events, the ingress, and `buildApp(deps)`. Suites call it with
 * `app.inject` (no spawned process; a port only for SSE) and can swap any dependency the api takes.
 *
 * No worker runs here. The ingress signals workflows on a task queue of this app's own that no
 * worker polls, so what a test signals waits untouched and never reaches another suite's worker.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../activities/config';
import { listenEvents } from '../../activities/event-listener';
import { payloadDataConverter } from '../../activities/payload-codec';
import { buildApp } from '../../api/app';
import type { ApiDeps } from '../../api/graphql/context';
import { createLive } from '../../api/live';
import { createIngress } from '../../connector/inbound';
import { createReceiptSink } from '../../connector/receipts';
import { createOrm, migrate, type Orm } from '../../schema/orm';
import { createTestDatabase } from './platform';
import { TEST_DATA, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_TEMPORAL_ADDRESS } from './services-env';

export interface TestApp {
  app: FastifyInstance;
  /** What buildApp was given (after the suite's swaps). */
  deps: ApiDeps;
  orm: Orm;
  databaseUrl: string;
  /** http://127.0.0.1:PORT, for what inject cannot do (an SSE subscription). */
  url: string;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Settings on top of the test defaults (the environment a spawned platform gets). */
  config?: Partial<Config>;
  /** Replaces dependencies before buildApp sees them: a clock, a channel, a failing client. */
  swap?: (deps: ApiDeps) => ApiDeps;
}

const log = (msg: string, err?: unknown) => console.error(`[test app] ${msg}`, err ?? '');

/** Builds the api role in this process on a fresh, migrated database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = await createTestDatabase();
  const config: Config = {
    ...loadConfig({
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: TEST_TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: `test-app-${randomBytes(4).toString('hex')}`,
      JWT_SECRET: TEST_JWT_SECRET,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      PARLEY_DATA_DIR: path.join(TEST_DATA, 'app'),
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_POOL_SIZE: '4',
      // As for a spawned platform: suites sign up many accounts from one address.
      AUTH_CALLS_PER_IP_PER_MINUTE: '100000',
      AUTH_SIGNUPS_PER_IP_PER_HOUR: '100000',
    }),
    ...options.config,
  };
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((err) => log('stop step failed', err));
  };
  try {
    const orm = await createOrm(config.databaseUrl, config.databasePoolSize);
    stops.push(() => orm.close());
    await migrate(orm);
    const connection = await Connection.connect({ address: config.temporalAddress });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.temporalNamespace, dataConverter: payloadDataConverter(config) });
    const live = createLive(orm, log);
    const events = await listenEvents(config.databaseUrl, (e) => live.onEvent(e), log);
    stops.push(() => events.close());
    const ingress = createIngress({ orm, temporal, taskQueue: config.taskQueue, log });
    stops.push(() => ingress.close());

    const base: ApiDeps = { config, orm, temporal, live, ingress, receipts: createReceiptSink(orm) };
    const deps = options.swap?.(base) ?? base;
    const app = await buildApp(deps, { logger: { level: 'error' } });
    await app.listen({ host: config.host, port: 0 });
    stops.push(() => app.close());
    const { port } = app.server.address() as { port: number };
    return { app, deps, orm, databaseUrl, url: `http://127.0.0.1:${port}`, inject: (request) => app.inject(request), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A test file's in-process api: built before its tests, stopped after. */
export function testApp(options: TestAppOptions = {}): TestApp {
  let built: TestApp | undefined;
  beforeAll(async () => {
    built = await startTestApp(options);
  });
  afterAll(() => built?.stop());
  const get = (): TestApp => {
    if (!built) throw new Error('the test app is built in beforeAll');
    return built;
  };
  return {
    get app() { return get().app; },
    get deps() { return get().deps; },
    get orm() { return get().orm; },
    get databaseUrl() { return get().databaseUrl; },
    get url() { return get().url; },
    inject: (request) => get().inject(request),
    stop: () => get().stop(),
  };
}
