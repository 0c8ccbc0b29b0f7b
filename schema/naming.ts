import { UnderscoreNamingStrategy } from '@mikro-orm/core';

type ConstraintKind = Parameters<UnderscoreNamingStrategy['indexName']>[2];

/** Postgres's own suffixes, as `create table … unique/references/check` names them. */
const SUFFIX: Partial<Record<ConstraintKind, string>> = { foreign: 'fkey', unique: 'key', index: 'idx' };

/**
 * Snake-case tables and columns, and constraints named the way Postgres names them when a
 * migration leaves the name out (`<table>_<columns>_fkey`, `_key`, `_check`), so a generated
 * migration and a hand-written one name the same constraint the same.
 */
export class PostgresNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(tableName: string, columns: string[], type: ConstraintKind): string {
    return super.indexName(tableName, columns, (SUFFIX[type] ?? type) as ConstraintKind);
  }
}
