/**
 * The secrets the embedded default generates for itself, in one file: `<dataDir>/secrets.json`,
 * readable only by its owner (the data folder is 0700 too). Outside the embedded default every
 * secret comes from the environment and this file is never written.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Passwords of the embedded Postgres roles (scripts/postgres-roles.ts). */
export interface PostgresPasswords {
  /** The bootstrap superuser `parley`: only `npm start` uses it, to provision the roles. */
  superuser: string;
  /** `parley_owner`: owns the schema and runs the migrations. */
  owner: string;
  /** `parley_app`: what the platform connects as, with DML rights only. */
  app: string;
}

export interface LocalSecrets {
  jwtSecret: string;
  encryptionKey: string;
  postgres: PostgresPasswords;
}

const GENERATORS: { [K in keyof LocalSecrets]: () => LocalSecrets[K] } = {
  jwtSecret: () => crypto.randomBytes(32).toString('base64'),
  encryptionKey: () => crypto.randomBytes(32).toString('base64'),
  // Hex: safe inside a connection URL without escaping.
  postgres: () => ({ superuser: randomHex(), owner: randomHex(), app: randomHex() }),
};

/** The secrets file's contents as they are (an empty object when there is none yet). */
export function readLocalSecrets(dataDir: string): Partial<LocalSecrets> {
  const file = secretsFile(dataDir);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
}

/** The named secrets, generating (and saving) the ones the file does not have yet. */
export function localSecrets<K extends keyof LocalSecrets>(dataDir: string, names: K[]): Pick<LocalSecrets, K> {
  const current = readLocalSecrets(dataDir);
  const missing = names.filter((name) => current[name] === undefined);
  if (missing.length) {
    for (const name of missing) (current as Record<string, unknown>)[name] = GENERATORS[name]();
    privateDataDir(dataDir);
    // Written whole and renamed into place, so a crash never leaves half a file (and lost keys).
    const tmp = `${secretsFile(dataDir)}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(current, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, secretsFile(dataDir));
  }
  fs.chmodSync(secretsFile(dataDir), 0o600);
  return current as Pick<LocalSecrets, K>;
}

/** Creates the data folder private to its owner (0700) when it does not exist yet. */
export function privateDataDir(dataDir: string): void {
  if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

function secretsFile(dataDir: string): string {
  return path.join(dataDir, 'secrets.json');
}

function randomHex(): string {
  return crypto.randomBytes(24).toString('hex');
}
