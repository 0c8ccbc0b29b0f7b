/**
 * Every setting is an environment variable (listed with its default in .env.example).
 * Embedded mode (`npm start` without DATABASE_URL / TEMPORAL_ADDRESS) fills in the local services.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localSecrets, readLocalSecrets } from './local-secrets';
import { MAIN_TASK_QUEUE } from '../workflows/ids';
import { parseTestBaileysSocket, parseTestFaults, type TestFaults } from './test-faults';
import { LEASE_TIMING } from '../connector/channels/lease';
import { AI_PROVIDER_TIMEOUT_MS } from './ai/timeouts';

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string;
  /** Runs the migrations when set (a role that owns the schema); the platform then connects as a role with DML rights only. */
  migrationDatabaseUrl: string | null;
  databasePoolSize: number;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  taskQueue: string;
  jwtSecret: string;
  encryptionKey: Buffer;
  /** Keys ENCRYPTION_KEY replaced: Temporal payloads sealed under them still decode (activities/payload-codec.ts). */
  previousEncryptionKeys: Buffer[];
  /** Origins allowed to call the codec endpoint (the Temporal Web UI's). */
  codecCorsOrigins: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  outboxSweepMs: number;
  outboxGraceMs: number;
  workerMaxCachedWorkflows: number;
  /** How long one LLM provider may take to answer before the next one in the failover order is tried. */
  aiProviderTimeoutMs: number;
  seedDemo: boolean;
  logLevel: string;
  /** host:port of the Prometheus endpoint for the Temporal SDK's worker metrics; off when unset. */
  metricsBindAddress: string | null;
  /** Crash tests only (activities/test-faults.ts); refused in production. */
  testFaults: TestFaults;
  /** Tests only: a module whose `createSocket` stands in for Baileys' makeWASocket (PARLEY_TEST_BAILEYS_SOCKET); refused in production. */
  testBaileysSocket: string | null;
  /** How often a connector renews the leases of the channels it holds, and how long one lasts unrenewed (connector/channels/lease.ts). */
  channelLease: { heartbeatMs: number; ttlMs: number };
  /** NODE_ENV=production: introspection, GraphiQL and field suggestions off unless graphqlIntrospection. */
  production: boolean;
  graphqlIntrospection: boolean;
  /** Browser origins the API answers cross-origin (CORS); PUBLIC_URL's origin by default. */
  corsOrigins: string[];
  /** Host header values the server answers (hostname, or hostname:port); guards against DNS rebinding. */
  allowedHosts: string[];
  /** Trust X-Forwarded-For / -Proto from a reverse proxy (Fastify's trustProxy): the client IP the limits key on. */
  trustProxy: boolean;
  authLimits: AuthLimits;
  media: MediaConfig;
  knowledge: KnowledgeConfig;
  /** Meta's Graph API, which Cloud API channels send through (a fake server in tests). */
  graphApi: { baseUrl: string; version: string; timeoutMs: number };
}

/** Where inbound media is stored (connector/media/blob-store.ts), and how big one may be. */
export interface MediaConfig {
  /** MEDIA_STORE: `local` (the default) or `s3`. */
  store: 'local' | 's3';
  /** The local store's folder: `<PARLEY_DATA_DIR>/media`. */
  dir: string;
  /** MEDIA_STORE=s3: the bucket and how to reach it. */
  s3: S3Config | null;
  /** MEDIA_MAX_BYTES: a larger file is refused (64 MiB by default). */
  maxBytes: number;
}

/** An S3-compatible store: S3_ENDPOINT (omit for AWS), S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE. */
export interface S3Config {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`): on by default when an endpoint is given, as MinIO and most S3-compatible servers want. */
  forcePathStyle: boolean;
}

/** What a knowledge source may be: the upload size cap and the URL fetch's limits and SSRF guard. */
export interface KnowledgeLimits {
  /** KNOWLEDGE_MAX_UPLOAD_BYTES: an uploaded file or a fetched page, at most (25 MB). */
  maxUploadBytes: number;
  /** URL_FETCH_TIMEOUT_MS: a page fetch (every redirect hop included) ends after this. */
  urlFetchTimeoutMs: number;
  /** ALLOW_PRIVATE_URLS=true lets URLs reach loopback, link-local and private addresses (tests, a trusted LAN). */
  allowPrivateUrls: boolean;
}

/** Where vectors live and what embeds by default (activities/knowledge/index.ts builds them), and what a source may be. */
export interface KnowledgeConfig extends KnowledgeLimits {
  /** VECTOR_INDEX: lancedb (on disk under <dataDir>/vectors, the default) or qdrant (QDRANT_URL's default when set). */
  vectorIndex: 'lancedb' | 'qdrant';
  qdrantUrl: string | null;
  qdrantApiKey: string | null;
  /** EMBEDDINGS=off: no default embedder, retrieval is full-text only unless a workspace configures an endpoint. */
  localEmbeddings: boolean;
  /** PARLEY_MODELS_DIR: where the bootstrap built the local model (<checkout>/.data/models by default). */
  modelsDir: string;
}

/** Brute-force limits on the auth mutations, kept in Postgres so every api replica counts together. */
export interface AuthLimits {
  signInFailuresPerAccount: number;
  signInFailureWindowSeconds: number;
  authCallsPerIpPerMinute: number;
  signUpsPerIpPerHour: number;
  refreshesPerAccountPerHour: number;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, defaults: Partial<Config> = {}): Config {
  const dataDir = path.resolve(env.PARLEY_DATA_DIR ?? '.data');
  const port = int(env.PORT, 3000);
  const production = env.NODE_ENV === 'production';
  const secrets = env.JWT_SECRET && env.ENCRYPTION_KEY ? null : tokenSecrets(dataDir, production);
  const publicUrl = new URL(publicUrlOf(env));
  const temporalUiUrl = env.TEMPORAL_UI_URL ?? defaults.temporalUiUrl ?? 'http://localhost:8233';
  return {
    dataDir,
    host: env.HOST ?? '127.0.0.1',
    port,
    publicUrl: publicUrlOf(env),
    databaseUrl: required('DATABASE_URL', env.DATABASE_URL ?? defaults.databaseUrl),
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL || null,
    databasePoolSize: int(env.DATABASE_POOL_SIZE, 10),
    temporalAddress: required('TEMPORAL_ADDRESS', env.TEMPORAL_ADDRESS ?? defaults.temporalAddress),
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    temporalUiUrl,
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? MAIN_TASK_QUEUE,
    jwtSecret: env.JWT_SECRET || secrets!.jwtSecret,
    encryptionKey: Buffer.from(env.ENCRYPTION_KEY || secrets!.encryptionKey, 'base64'),
    previousEncryptionKeys: list(env.PREVIOUS_ENCRYPTION_KEYS).map((key) => Buffer.from(key, 'base64')),
    codecCorsOrigins: list(env.CODEC_CORS_ORIGINS ?? new URL(temporalUiUrl).origin),
    accessTokenTtlSeconds: int(env.ACCESS_TOKEN_TTL_SECONDS, 15 * 60),
    refreshTokenTtlDays: int(env.REFRESH_TOKEN_TTL_DAYS, 30),
    outboxSweepMs: int(env.OUTBOX_SWEEP_MS, 5000),
    outboxGraceMs: int(env.OUTBOX_GRACE_MS, 3000),
    workerMaxCachedWorkflows: int(env.WORKER_MAX_CACHED_WORKFLOWS, 250),
    aiProviderTimeoutMs: int(env.AI_PROVIDER_TIMEOUT_MS, AI_PROVIDER_TIMEOUT_MS),
    seedDemo: (env.PARLEY_SEED_DEMO ?? (defaults.seedDemo ? 'true' : 'false')) === 'true',
    logLevel: env.LOG_LEVEL ?? 'warn',
    metricsBindAddress: env.METRICS_BIND_ADDRESS || null,
    testFaults: parseTestFaults(env.PARLEY_TEST_FAULTS, env.NODE_ENV),
    testBaileysSocket: parseTestBaileysSocket(env.PARLEY_TEST_BAILEYS_SOCKET, env.NODE_ENV),
    channelLease: { heartbeatMs: int(env.CHANNEL_LEASE_HEARTBEAT_MS, LEASE_TIMING.heartbeatMs), ttlMs: int(env.CHANNEL_LEASE_TTL_MS, LEASE_TIMING.ttlMs) },
    production,
    graphqlIntrospection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === 'true' : !production,
    corsOrigins: orDefault(list(env.CORS_ORIGINS), [publicUrl.origin]),
    allowedHosts: orDefault(list(env.ALLOWED_HOSTS), [...new Set([publicUrl.host, publicUrl.hostname, 'localhost', '127.0.0.1', '[::1]'])]),
    trustProxy: env.TRUST_PROXY === 'true',
    authLimits: {
      signInFailuresPerAccount: int(env.AUTH_SIGNIN_FAILURES_PER_ACCOUNT, 10),
      signInFailureWindowSeconds: int(env.AUTH_SIGNIN_FAILURE_WINDOW_SECONDS, 15 * 60),
      authCallsPerIpPerMinute: int(env.AUTH_CALLS_PER_IP_PER_MINUTE, 100),
      signUpsPerIpPerHour: int(env.AUTH_SIGNUPS_PER_IP_PER_HOUR, 30),
      refreshesPerAccountPerHour: int(env.AUTH_REFRESHES_PER_ACCOUNT_PER_HOUR, 120),
    },
    media: {
      store: mediaStore(env.MEDIA_STORE),
      dir: path.join(dataDir, 'media'),
      s3: mediaStore(env.MEDIA_STORE) === 's3' ? s3Config(env) : null,
      maxBytes: int(env.MEDIA_MAX_BYTES, 64 * 1024 * 1024),
    },
    knowledge: knowledgeConfig(env),
    graphApi: {
      baseUrl: env.GRAPH_API_URL || 'https://graph.facebook.com',
      version: env.GRAPH_API_VERSION || 'v23.0',
      // Under the send activity's 15 s start-to-close, so a hung call ends as UNCERTAIN, not as a lost attempt.
      timeoutMs: int(env.GRAPH_API_TIMEOUT_MS, 10_000),
    },
  };
}

/** The bootstrap builds the model in the checkout, whatever PARLEY_DATA_DIR a process runs with. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../.data/models', import.meta.url));

function knowledgeConfig(env: Env): KnowledgeConfig {
  const qdrantUrl = env.QDRANT_URL || null;
  const vectorIndex = env.VECTOR_INDEX || (qdrantUrl ? 'qdrant' : 'lancedb');
  if (vectorIndex !== 'lancedb' && vectorIndex !== 'qdrant') throw new Error(`VECTOR_INDEX must be lancedb or qdrant, got "${vectorIndex}"`);
  if (vectorIndex === 'qdrant' && !qdrantUrl) throw new Error('VECTOR_INDEX=qdrant needs QDRANT_URL');
  const embeddings = env.EMBEDDINGS ?? 'local';
  if (embeddings !== 'local' && embeddings !== 'off') throw new Error(`EMBEDDINGS must be local or off, got "${embeddings}"`);
  return {
    maxUploadBytes: int(env.KNOWLEDGE_MAX_UPLOAD_BYTES, 25 * 1024 * 1024),
    urlFetchTimeoutMs: int(env.URL_FETCH_TIMEOUT_MS, 15_000),
    allowPrivateUrls: env.ALLOW_PRIVATE_URLS === 'true',
    vectorIndex,
    qdrantUrl,
    qdrantApiKey: env.QDRANT_API_KEY || null,
    localEmbeddings: embeddings === 'local',
    modelsDir: env.PARLEY_MODELS_DIR ? path.resolve(env.PARLEY_MODELS_DIR) : DEFAULT_MODELS_DIR,
  };
}

function mediaStore(value: string | undefined): MediaConfig['store'] {
  if (!value || value === 'local') return 'local';
  if (value === 's3') return 's3';
  throw new Error(`MEDIA_STORE: unknown store "${value}"; expected local or s3`);
}

function s3Config(env: NodeJS.ProcessEnv): S3Config {
  const missing = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter((name) => !env[name]);
  if (missing.length) throw new Error(`MEDIA_STORE=s3 needs ${missing.join(', ')}`);
  const endpoint = env.S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new Error(`S3_ENDPOINT: "${endpoint}" is not an http(s) URL`);
  return {
    endpoint,
    region: env.S3_REGION || 'us-east-1',
    bucket: env.S3_BUCKET!,
    accessKeyId: env.S3_ACCESS_KEY_ID!,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE === 'true' : Boolean(endpoint),
  };
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got "${value}"`);
  return n;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

function orDefault(items: string[], fallback: string[]): string[] {
  return items.length ? items : fallback;
}

/** Where the api is reached from outside: PUBLIC_URL, or localhost on PORT. */
export function publicUrlOf(env: Env): string {
  return env.PUBLIC_URL ?? `http://localhost:${int(env.PORT, 3000)}`;
}

function required(name: string, value: string | undefined): string {
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * Without JWT_SECRET / ENCRYPTION_KEY in the environment (the embedded default), secrets are
 * generated once and kept in the data folder, readable only by its owner. In production only the
 * embedded default's supervisor generates them (scripts/start.ts); roles run apart must be given them.
 */
function tokenSecrets(dataDir: string, production: boolean): { jwtSecret: string; encryptionKey: string } {
  const existing = readLocalSecrets(dataDir);
  if (production && !(existing.jwtSecret && existing.encryptionKey)) {
    throw new Error('JWT_SECRET and ENCRYPTION_KEY must be set in production when the roles run separately (--role)');
  }
  return localSecrets(dataDir, ['jwtSecret', 'encryptionKey']);
}
