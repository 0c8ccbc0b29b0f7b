/** Where the test services run; global-setup starts them, every suite reads this. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLocalSecrets } from '../../activities/local-secrets';
import { payloadDataConverter } from '../../activities/payload-codec';

export const TEST_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Separate runs side by side (say, two developers' suites) each set their own dir and ports. */
export const TEST_DATA = path.resolve(TEST_ROOT, process.env.PARLEY_TEST_DIR ?? '.data/test');
export const TEST_PG_PORT = Number(process.env.TEST_PG_PORT ?? 54339);
export const TEST_TEMPORAL_PORT = Number(process.env.TEST_TEMPORAL_PORT ?? 7243);
export const TEST_TEMPORAL_ADDRESS = `127.0.0.1:${TEST_TEMPORAL_PORT}`;
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
/** Lowered so every conversation continues-as-new after a handful of messages. */
export const CONTINUE_AS_NEW_EVENTS = 60;

/** The one place a test builds a database URL: the test Postgres, or another on `port` (an embedded platform's). */
export function testDatabaseUrl(database: string, port = TEST_PG_PORT): string {
  return `postgres://parley@127.0.0.1:${port}/${database}`;
}

/**
 * The superuser of an embedded `npm start`'s Postgres in `dataDir` (password auth, with the
 * password npm start generated into secrets.json): read once it has started.
 */
export function embeddedDatabaseUrl(dataDir: string, port: number): string {
  const password = readLocalSecrets(dataDir).postgres?.superuser;
  if (!password) throw new Error(`no Postgres passwords in ${dataDir}/secrets.json yet`);
  const url = new URL(testDatabaseUrl('parley', port));
  url.password = password;
  return url.toString();
}

/** The data converter of a platform started with TEST_ENCRYPTION_KEY: its payloads are encrypted (activities/payload-codec.ts). */
export function testDataConverter() {
  return payloadDataConverter({ encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64') });
}
