import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config';
import { localSecrets } from './local-secrets';

const services = { DATABASE_URL: 'postgres://x@127.0.0.1/x', TEMPORAL_ADDRESS: '127.0.0.1:7233' };
const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-config-'));

describe('loadConfig, security settings', () => {
  it('turns introspection off in production unless GRAPHQL_INTROSPECTION=true', () => {
    const base = { ...services, JWT_SECRET: 's', ENCRYPTION_KEY: 'a2V5', PARLEY_DATA_DIR: dataDir() };
    expect(loadConfig({ ...base }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
  });

  it("allows PUBLIC_URL's origin and host by default, and the configured lists otherwise", () => {
    const base = { ...services, JWT_SECRET: 's', ENCRYPTION_KEY: 'a2V5', PARLEY_DATA_DIR: dataDir(), PUBLIC_URL: 'https://chat.example.com/' };
    const config = loadConfig(base);
    expect(config.corsOrigins).toEqual(['https://chat.example.com']);
    expect(config.allowedHosts).toEqual(['chat.example.com', 'localhost', '127.0.0.1', '[::1]']);
    const listed = loadConfig({ ...base, CORS_ORIGINS: 'https://a.example, https://b.example', ALLOWED_HOSTS: 'a.example' });
    expect(listed.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(listed.allowedHosts).toEqual(['a.example']);
  });

  it('reads every auth limit from the environment', () => {
    const config = loadConfig({ ...services, JWT_SECRET: 's', ENCRYPTION_KEY: 'a2V5', PARLEY_DATA_DIR: dataDir(), AUTH_SIGNIN_FAILURES_PER_ACCOUNT: '3', AUTH_SIGNUPS_PER_IP_PER_HOUR: '7' });
    expect(config.authLimits).toEqual({
      signInFailuresPerAccount: 3,
      signInFailureWindowSeconds: 900,
      authCallsPerIpPerMinute: 100,
      signUpsPerIpPerHour: 7,
      refreshesPerAccountPerHour: 120,
    });
  });

  it('in production takes the secrets the embedded default generated, and requires them when the roles run apart', () => {
    const dir = dataDir();
    expect(() => loadConfig({ ...services, NODE_ENV: 'production', PARLEY_DATA_DIR: dir })).toThrow(/JWT_SECRET and ENCRYPTION_KEY must be set in production/);
    // What scripts/start.ts does before it starts the roles.
    localSecrets(dir, ['jwtSecret', 'encryptionKey']);
    expect(loadConfig({ ...services, NODE_ENV: 'production', PARLEY_DATA_DIR: dir, JWT_SECRET: '' }).jwtSecret).toHaveLength(44);
  });
});

describe('knowledge settings', () => {
  const base = { ...services, JWT_SECRET: 's', ENCRYPTION_KEY: 'a2V5', PARLEY_DATA_DIR: dataDir() };

  test('LanceDB and the local model by default; Qdrant when QDRANT_URL is set, or asked for', () => {
    expect(loadConfig({ ...base }).knowledge).toMatchObject({ vectorIndex: 'lancedb', qdrantUrl: null, localEmbeddings: true });
    expect(loadConfig({ ...base, QDRANT_URL: 'http://qdrant:6333', QDRANT_API_KEY: 'k' }).knowledge).toMatchObject({ vectorIndex: 'qdrant', qdrantUrl: 'http://qdrant:6333', qdrantApiKey: 'k' });
    expect(loadConfig({ ...base, QDRANT_URL: 'http://qdrant:6333', VECTOR_INDEX: 'lancedb' }).knowledge.vectorIndex).toBe('lancedb');
    expect(loadConfig({ ...base, EMBEDDINGS: 'off', PARLEY_MODELS_DIR: '/models' }).knowledge).toMatchObject({ localEmbeddings: false, modelsDir: '/models' });
  });

  test('an index or embedder that does not exist, or Qdrant without a URL, is refused at start', () => {
    expect(() => loadConfig({ ...base, VECTOR_INDEX: 'pinecone' })).toThrow('VECTOR_INDEX must be lancedb or qdrant, got "pinecone"');
    expect(() => loadConfig({ ...base, VECTOR_INDEX: 'qdrant' })).toThrow('VECTOR_INDEX=qdrant needs QDRANT_URL');
    expect(() => loadConfig({ ...base, EMBEDDINGS: 'remote' })).toThrow('EMBEDDINGS must be local or off, got "remote"');
  });
});
