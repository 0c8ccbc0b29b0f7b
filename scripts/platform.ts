/**
 * Runs Parley's roles in this process: `api` (Fastify + GraphQL), `worker` (every workflow and
 * the activities that need no socket, task queue `parley`) and `connector` (channel sessions,
 * their `channel:<id>` activity workers, the ingress outbox). `npm start` runs all three.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import type { Config } from '../activities/config';
import type { ActivityContext } from '../activities/context';
import { createPersistenceActivities } from '../activities/persistence.activities';
import { createCommandActivities } from '../activities/commands.activities';
import { createKnowledgeActivities } from '../activities/knowledge/knowledge.activities';
import { createEmbeddingActivities } from '../activities/knowledge/embedding.activities';
import { createAiActivities } from '../activities/ai/ai.activities';
import { createFlowActivities } from '../activities/flows/flows.activities';
import { createBroadcastActivities } from '../activities/broadcasts.activities';
import { listenEvents, type EventListener } from '../activities/event-listener';
import type { ParleyEvent } from '../activities/events';
import { createOrm, migrate, type Orm } from '../schema/orm';
import { buildApp } from '../api/app';
import { createLive } from '../api/live';
import { createSessionManager } from '../connector/session-manager';
import { startOutboxSweeper } from '../connector/outbox';
import { WORKFLOW_BUNDLE, workflowBundleIsFresh, workflowBundleOptions } from './workflow-bundle';
import { createIngress } from '../connector/inbound';
import { createReceiptSink } from '../connector/receipts';
import { createKnowledge } from '../activities/knowledge';
import type { Ingress } from '../connector/ingress.port';
import { payloadDataConverter } from '../activities/payload-codec';
import { workspacesBehindDefaultModel } from '../activities/knowledge/stale-embeddings';
import { requestWorkspaceEmbeddings } from '../workflows/workspace-embeddings.client';

export const ROLES = ['api', 'worker', 'connector'] as const;
export type PlatformRole = (typeof ROLES)[number];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Platform {
  orm: Orm;
  apiUrl?: string;
  stop(): Promise<void>;
}

export type Log = (msg: string, err?: unknown) => void;

export async function startPlatform(config: Config, roles: PlatformRole[], log: Log): Promise<Platform> {
  Runtime.install({
    logger: quietLogger(log),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) },
      metrics: config.metricsBindAddress ? { prometheus: { bindAddress: config.metricsBindAddress, countersTotalSuffix: true, unitSuffix: true } } : undefined,
    },
  });
  const stops: (() => Promise<unknown>)[] = [];
  const orm = await createOrm(config.databaseUrl, config.databasePoolSize);
  stops.push(() => orm.close());
  await migrateOnce(config, orm);

  const connection = await Connection.connect({ address: config.temporalAddress });
  stops.push(() => connection.close());
  // One data converter for the client and every worker: payloads are encrypted (activities/payload-codec.ts).
  const dataConverter = payloadDataConverter(config);
  const temporal = new Client({ connection, namespace: config.temporalNamespace, dataConverter });
  const ctx: ActivityContext = { config, orm, temporal, receipts: createReceiptSink(orm) };
  if (roles.includes('worker') || roles.includes('api')) {
    ctx.knowledge = await createKnowledge(config, orm);
    const knowledge = ctx.knowledge;
    stops.push(() => knowledge.close());
  }

  let nativeConnection: NativeConnection | undefined;
  const native = async () => (nativeConnection ??= await NativeConnection.connect({ address: config.temporalAddress }));
  const listeners: ((e: ParleyEvent) => void)[] = [];
  let events: EventListener | undefined;
  const ingressDeps = { orm, temporal, taskQueue: config.taskQueue, log };
  let ingress: Ingress | undefined;
  if (roles.includes('api') || roles.includes('connector')) {
    events = await listenEvents(config.databaseUrl, (e) => listeners.forEach((fn) => fn(e)), log);
    ingress = createIngress(ingressDeps);
    stops.push(() => ingress!.close());
  }
  // Stops run in reverse: these close after every worker that holds the native connection.
  stops.push(async () => {
    await events?.close();
    await nativeConnection?.close();
  });

  if (roles.includes('worker')) {
    const worker = await Worker.create({
      connection: await native(),
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      dataConverter,
      ...(await workflowCode()),
      activities: { ...createPersistenceActivities(ctx), ...createCommandActivities(ctx), ...createKnowledgeActivities(ctx), ...createEmbeddingActivities(ctx), ...createAiActivities(ctx), ...createFlowActivities(ctx), ...createBroadcastActivities(ctx) },
      // Bounded, so memory stays flat however many conversations there are; an evicted one replays.
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    log(`worker: serving task queue ${config.taskQueue}`);
    const defaultModel = ctx.knowledge?.embedder?.model;
    if (defaultModel) void reembedForDefaultModel(ctx, defaultModel, log).catch((err) => log('worker: could not request re-embedding for the default model', err));
  }

  if (roles.includes('connector')) {
    const sessions = createSessionManager(ctx, await native(), log, ingress!);
    listeners.push((e) => sessions.onEvent(e));
    await sessions.reconcile();
    const reconcileTimer = setInterval(() => sessions.reconcile().catch((err) => log('connector: reconcile failed', err)), 30_000);
    const stopSweeper = startOutboxSweeper(
      ingressDeps,
      { intervalMs: config.outboxSweepMs, graceMs: config.outboxGraceMs, log },
    );
    stops.push(async () => {
      clearInterval(reconcileTimer);
      await stopSweeper();
      await sessions.stop();
    });
    log('connector: channel sessions and ingress outbox running');
  }

  let apiUrl: string | undefined;
  if (roles.includes('api')) {
    const live = createLive(orm, log);
    listeners.push((e) => live.onEvent(e));
    const app = await buildApp({ config, orm, temporal, live, ingress: ingress!, receipts: ctx.receipts, knowledge: ctx.knowledge }, { webDist: path.join(ROOT, 'web/dist'), logger: { level: config.logLevel } });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    apiUrl = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    stops.push(() => app.close());
  }

  return {
    orm,
    apiUrl,
    // Stop in reverse: the api stops taking requests, workers drain, then connections close.
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch((err) => log('shutdown step failed', err));
    },
  };
}

/**
 * The default embedding model came on (EMBEDDINGS was off) or changed: the workspaces that use it
 * re-embed what they have (workspaceEmbeddingsWorkflow; a second worker's request only nudges it).
 */
async function reembedForDefaultModel(ctx: ActivityContext, model: string, log: Log): Promise<void> {
  const workspaces = await workspacesBehindDefaultModel(ctx.orm, model);
  for (const workspaceId of workspaces) await requestWorkspaceEmbeddings(ctx.temporal, ctx.config.taskQueue, workspaceId);
  if (workspaces.length > 0) log(`worker: ${workspaces.length} workspaces re-embed their knowledge with ${model}`);
}

/**
 * The prebuilt bundle (scripts/check-workflows.ts) when it is newer than every workflow file:
 * webpack then never loads in this process, which keeps a hundred-odd MB out of its memory.
 */
async function workflowCode(): Promise<{ workflowBundle: { codePath: string } } | { workflowsPath: string; bundlerOptions: { preloadModules: string[] } }> {
  if (workflowBundleIsFresh()) return { workflowBundle: { codePath: WORKFLOW_BUNDLE } };
  // The failure converter comes with the worker's data converter.
  const { workflowsPath, preloadModules } = await workflowBundleOptions();
  return { workflowsPath, bundlerOptions: { preloadModules } };
}

/**
 * Several processes may start at once against one database: one migrates, the others wait.
 * With MIGRATION_DATABASE_URL the migrations run as that role (the schema's owner), and the
 * platform's own connections never need more than DML rights.
 */
async function migrateOnce(config: Config, orm: Orm): Promise<void> {
  const url = config.migrationDatabaseUrl ?? config.databaseUrl;
  // A session lock needs one connection for its whole life, so not one from the pool.
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock(7077001)');
    if (!config.migrationDatabaseUrl) return await migrate(orm);
    const owner = await createOrm(url, 1);
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
  } finally {
    await lock.end();
  }
}

function quietLogger(log: Log) {
  const drop = () => undefined;
  return {
    log: drop,
    trace: drop,
    debug: drop,
    info: drop,
    // The connector's channel workers run activities only, and each says so once: expected, not a warning.
    warn: (message: string) => !message.startsWith('No workflows registered') && log(`temporal: ${message}`),
    error: (message: string, meta?: Record<string, unknown>) => log(`temporal: ${message}`, meta?.error),
  };
}
