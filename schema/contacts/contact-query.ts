/**
 * The contacts table's queries, in SQL (the contacts query is a measured hot path:
 * bench/contacts): a filter (contact-filter.ts) becomes one WHERE over `contacts c`, served by the
 * workspace's order indexes, the contact_labels label index and the GIN index on fields. Every query
 * here is one workspace's: its first condition is `c.workspace_id`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomField, type CustomFieldType } from '../entities/custom-field.entity';
import { typedFieldConditions, type ContactFilter, type FilterProblem, type TypedFieldCondition } from './contact-filter';

export const CONTACT_ORDERS = ['LAST_SEEN_DESC', 'CREATED_DESC', 'NAME_ASC'] as const;
/** LAST_SEEN_DESC: latest inbound message first, never-seen contacts last; CREATED_DESC: newest contact first; NAME_ASC: by name (the phone without one). */
export type ContactOrder = (typeof CONTACT_ORDERS)[number];

/** Each order's sort key, as its index (contact.entity.ts) has it; the cursor holds the key as text, read back with `cast`. */
const ORDERS: Record<ContactOrder, { key: string; dir: 'asc' | 'desc'; cast: string }> = {
  LAST_SEEN_DESC: { key: `coalesce(c.last_seen_at, '-infinity'::timestamptz)`, dir: 'desc', cast: 'timestamptz' },
  CREATED_DESC: { key: 'c.created_at', dir: 'desc', cast: 'timestamptz' },
  NAME_ASC: { key: 'lower(coalesce(c.name, c.phone))', dir: 'asc', cast: 'text' },
};

/** A filter ready to run: its workspace, and its field conditions typed by the workspace's fields. */
export interface ContactQuery {
  workspaceId: string;
  filter: ContactFilter;
  conditions: TypedFieldCondition[];
  /** Further filters every contact must match too (a segment's, under the table's own). */
  and?: ContactQuery[];
}

/**
 * The query of `filter` in the workspace, with the problems of its field conditions: `strict` for a
 * filter given now (an unknown field is a problem), not for a saved one (see typedFieldConditions).
 */
export async function prepareContactQuery(
  em: EntityManager,
  workspaceId: string,
  filter: ContactFilter,
  strict: boolean,
): Promise<{ query: ContactQuery; problems: FilterProblem[] }> {
  const fieldTypes = filter.fields?.length ? await loadFieldTypes(em, workspaceId) : new Map();
  const { conditions, problems } = typedFieldConditions(filter.fields, fieldTypes, strict);
  return { query: { workspaceId, filter, conditions }, problems };
}

/** The workspace's custom fields by key. */
export async function loadFieldTypes(em: EntityManager, workspaceId: string): Promise<Map<string, { type: CustomFieldType; choices: string[] | null }>> {
  const fields = await em.find(CustomField, { workspaceId }, { fields: ['key', 'type', 'choices'] });
  return new Map(fields.map((f) => [f.key, { type: f.type, choices: f.choices ?? null }]));
}

/** `where` over `contacts c` (with `?` placeholders) and its parameters. Pure. */
export function contactWhereSql(query: ContactQuery): { sql: string; params: unknown[] } {
  const { filter } = query;
  const parts = ['c.workspace_id = ?'];
  const params: unknown[] = [query.workspaceId];
  if (filter.search) {
    // A local number's trunk zeros ("0151…") are not in the international digits.
    const digits = filter.search.replace(/\D/g, '').replace(/^0+/, '');
    // "+49 151 …" or "0151-…" finds the contact by its digits, however the phone was typed.
    const byDigits = digits.length >= 3 && /^[\d\s()+.-]+$/.test(filter.search);
    // One expression, as the contacts_search trigram index has it.
    parts.push(`(coalesce(c.name, '') || ' ' || coalesce(c.email, '') || ' ' || c.contact_key) ilike ?`);
    params.push(`%${byDigits ? digits : escapeLike(filter.search)}%`);
  }
  if (filter.labelIds?.length) {
    parts.push('exists (select 1 from contact_labels cl where cl.contact_id = c.id and cl.label_id = any(?::uuid[]))');
    params.push(`{${filter.labelIds.join(',')}}`);
  }
  if (filter.optedOut !== undefined) {
    parts.push('c.opted_out = ?');
    params.push(filter.optedOut);
  }
  if (filter.lastSeenAfter) {
    parts.push('c.last_seen_at >= ?::timestamptz');
    params.push(filter.lastSeenAfter);
  }
  if (filter.lastSeenBefore) {
    parts.push('c.last_seen_at < ?::timestamptz');
    params.push(filter.lastSeenBefore);
  }
  for (const condition of query.conditions) {
    const { sql, params: more } = fieldConditionSql(condition);
    parts.push(sql);
    params.push(...more);
  }
  for (const also of query.and ?? []) {
    const { sql, params: more } = contactWhereSql(also);
    parts.push(`(${sql})`);
    params.push(...more);
  }
  return { sql: parts.join(' and '), params };
}

const COMPARISONS = { GT: '>', GTE: '>=', LT: '<', LTE: '<=' } as const;

function fieldConditionSql({ key, type, op, value }: TypedFieldCondition): { sql: string; params: unknown[] } {
  switch (op) {
    case 'EQ':
      return { sql: 'c.fields @> ?::jsonb', params: [JSON.stringify({ [key]: value })] };
    case 'NEQ':
      return { sql: 'not (c.fields @> ?::jsonb)', params: [JSON.stringify({ [key]: value })] };
    case 'CONTAINS':
      return { sql: `(c.fields ->> ?) ilike ?`, params: [key, `%${escapeLike(String(value))}%`] };
    case 'IS_SET':
      return { sql: '(c.fields -> ?) is not null', params: [key] };
    case 'NOT_SET':
      return { sql: '(c.fields -> ?) is null', params: [key] };
    case 'GT':
    case 'GTE':
    case 'LT':
    case 'LTE': {
      const cmp = COMPARISONS[op];
      // Stored values have their field's type (custom-field-value.ts); the case keeps a value of
      // another type (a field whose type was changed) from failing the cast for the whole query.
      if (type === 'NUMBER') {
        return { sql: `(case when jsonb_typeof(c.fields -> ?) = 'number' then (c.fields ->> ?)::numeric end) ${cmp} ?::numeric`, params: [key, key, value] };
      }
      // DATE values are "YYYY-MM-DD": as text they sort as days do.
      return { sql: `(case when jsonb_typeof(c.fields -> ?) = 'string' then (c.fields ->> ?) end) ${cmp} ?`, params: [key, key, value] };
    }
  }
}

function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, '\\$&');
}

/** Where a page starts: the sort key (as text) and id of the last row of the page before. */
export interface ContactCursor {
  key: string;
  id: string;
}

/** One page of the matching contacts' ids in `order`, with each row's cursor; `limit` rows at most. */
export async function findContactPage(
  em: EntityManager,
  query: ContactQuery,
  order: ContactOrder,
  limit: number,
  after?: ContactCursor,
): Promise<ContactCursor[]> {
  const { key, dir, cast } = ORDERS[order];
  const where = contactWhereSql(query);
  const params = [...where.params];
  let keyset = '';
  if (after) {
    keyset = ` and (${key}, c.id) ${dir === 'desc' ? '<' : '>'} (?::${cast}, ?::uuid)`;
    params.push(after.key, after.id);
  }
  params.push(limit);
  const rows = await em.execute<{ id: string; sort_key: string }[]>(
    `select c.id, (${key})::text as sort_key from contacts c where ${where.sql}${keyset} order by ${key} ${dir}, c.id ${dir} limit ?`,
    params,
  );
  return rows.map((r) => ({ key: r.sort_key, id: r.id }));
}

/** How many contacts match. */
export async function countContacts(em: EntityManager, query: ContactQuery): Promise<number> {
  const where = contactWhereSql(query);
  const [row] = await em.execute<{ n: number }[]>(`select count(*)::int as n from contacts c where ${where.sql}`, where.params);
  return row.n;
}

export interface StreamOptions {
  /** Ids per batch (default 1,000). */
  batchSize?: number;
}

/**
 * The ids of a workspace's contacts matching `filter`, in batches, newest contact first: what an
 * export or a broadcast audience reads, however many there are, without holding them all. A saved
 * filter is run as saved (a condition on a deleted field matches no value). Keyset on
 * (created_at, id): a contact created while the stream runs is not in it, none is read twice.
 * The filter should come from contactFilterSchema (a segment's stored filter does).
 */
export async function* streamContactIds(em: EntityManager, workspaceId: string, filter: ContactFilter, options: StreamOptions = {}): AsyncGenerator<string[]> {
  const batchSize = options.batchSize ?? 1000;
  const { query } = await prepareContactQuery(em, workspaceId, filter, false);
  const where = contactWhereSql(query);
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const keyset: string = after ? ' and (c.created_at, c.id) < (?::timestamptz, ?::uuid)' : '';
    const rows: { id: string; at: string }[] = await em.execute<{ id: string; at: string }[]>(
      `select c.id, c.created_at::text as at from contacts c where ${where.sql}${keyset} order by c.created_at desc, c.id desc limit ?`,
      [...where.params, ...(after ? [after.at, after.id] : []), batchSize],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1];
  }
}
