/**
 * Locks the embedded Postgres down: password (SCRAM) authentication on every connection, the
 * bootstrap superuser `parley` used only here, `parley_owner` owning the database and running
 * the migrations, and `parley_app` (what the platform connects as) with DML rights only: no DDL,
 * no role attributes, no access to catalogs such as pg_authid. Idempotent: it runs at every start,
 * and it also moves a database made before the lockdown (tables owned by the superuser) over.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { PostgresPasswords } from '../activities/local-secrets';

export const SUPERUSER = 'parley';
export const OWNER_ROLE = 'parley_owner';
export const APP_ROLE = 'parley_app';

/** Every connection, on the socket and on loopback, must give a SCRAM password. */
export const PG_HBA = `# Written by Parley (scripts/postgres-roles.ts) at every start.
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
`;

/** Before the server starts: password authentication only (a data folder made before the lockdown trusted everyone). */
export function writeHba(dataDir: string): boolean {
  const file = path.join(dataDir, 'pg_hba.conf');
  if (fs.readFileSync(file, 'utf8') === PG_HBA) return false;
  // Rewritten in place: the file keeps its owner (the postgres user when we run as root).
  fs.writeFileSync(file, PG_HBA);
  return true;
}

/** The role's URL on the embedded server. */
export function roleUrl(role: string, password: string, port: number, database: string): string {
  return `postgres://${role}:${password}@127.0.0.1:${port}/${database}`;
}

/**
 * Creates or updates the owner and app roles, gives the database to the owner, moves objects the
 * superuser still owns to it, and grants the app role DML on what exists and (default privileges)
 * on whatever a later migration creates.
 */
export async function provisionRoles(port: number, database: string, passwords: PostgresPasswords): Promise<void> {
  const client = new pg.Client({ connectionString: roleUrl(SUPERUSER, passwords.superuser, port, database) });
  await client.connect();
  try {
    const lit = (s: string) => client.escapeLiteral(s);
    const db = client.escapeIdentifier(database);
    await client.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN CREATE ROLE ${OWNER_ROLE}; END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE}; END IF;
      END $$`);
    const limited = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
    await client.query(`ALTER ROLE ${OWNER_ROLE} WITH ${limited} PASSWORD ${lit(passwords.owner)}`);
    await client.query(`ALTER ROLE ${APP_ROLE} WITH ${limited} PASSWORD ${lit(passwords.app)}`);
    await client.query(`ALTER DATABASE ${db} OWNER TO ${OWNER_ROLE}`);
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${APP_ROLE}`);
    // Postgres 15 already keeps CREATE on `public` from PUBLIC; older data folders did not.
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await client.query(MOVE_TO_OWNER);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
    await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${APP_ROLE}`);
    for (const grant of [
      `GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`,
      `GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${APP_ROLE}`,
      `GRANT EXECUTE ON FUNCTIONS TO ${APP_ROLE}`,
    ]) {
      await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA public ${grant}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Tables, views, free-standing sequences, functions and types in `public` that the superuser owns
 * (a database migrated before the lockdown) go to the owner role. A table takes its indexes and
 * column sequences along.
 */
const MOVE_TO_OWNER = `
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${OWNER_ROLE}',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND c.relkind = 'S'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO ${OWNER_ROLE}', r.name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS sig, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${OWNER_ROLE}', CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, r.sig);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS name, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = 'public' AND t.typowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND t.typtype IN ('e', 'd', 'r', 'c')
             AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c') LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${OWNER_ROLE}', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.name);
  END LOOP;
END $$`;
