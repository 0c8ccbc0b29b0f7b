/**
 * Relay-style connections over keyset pagination: a cursor is the sort value and id of the last
 * row seen, so a page never skips or repeats rows that arrive while someone scrolls.
 */
import { z } from 'zod';
import type { ObjectRef } from '@pothos/core';
import { builder } from './builder';
import { badInput } from './errors';

interface PageInfoView {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ConnectionView<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoView;
}

const PageInfoType = builder.objectRef<PageInfoView>('PageInfo').implement({
  fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
});

/** `<Name>Connection` and `<Name>Edge` object types over a node type. */
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export function connectionType<T>(name: string, nodeType: ObjectRef<Types, T>) {
  const edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: nodeType, resolve: (e) => e.node as never }) }),
  });
  return builder.objectRef<ConnectionView<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [edge], resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoType, resolve: (c) => c.pageInfo }),
    }),
  });
}

const uuid = z.string().uuid();

/** A cursor for keyset pagination on (sortValue, id). */
export function encodeCursor(sortValue: Date | string | number, id: string): string {
  const value = sortValue instanceof Date ? sortValue.toISOString() : sortValue;
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** The (sortValue, id) of a cursor this API gave out; anything else is BAD_USER_INPUT on `field`. */
export function decodeCursor(cursor: string, field = 'after'): [string | number, string] {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if ((typeof value === 'string' || typeof value === 'number') && typeof id === 'string' && uuid.safeParse(id).success) return [value, id];
  } catch {
    // not JSON: not ours
  }
  throw badInput(`${field}: is not a cursor this API gave out`, field);
}

/** The page of `first` from `rows` fetched with limit first + 1. */
export function toConnection<T>(rows: T[], first: number, cursorOf: (node: T) => string): ConnectionView<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
