import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './graphql-env';
import type { MessageDetails } from '../lib/message-details';

/**
 * Writes a GraphQL document typed from api/graphql/schema.graphql (through the introspection in
 * graphql-env.d.ts, which `npm run schema:print` regenerates): a field the schema lacks fails `tsc`.
 * Fragments are shared selection sets here, not data masks, so their fields read straight off results.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  // JSON is only Message.details.
  scalars: { DateTime: string; ID: string; JSON: MessageDetails };
  disableMasking: true;
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

/** `true` when some field of T is `unknown`: gql.tada's type for a field the schema does not have. */
type HasUnknown<T> = unknown extends T
  ? true
  : T extends readonly (infer E)[]
    ? HasUnknown<E>
    : T extends object
      ? true extends { [K in keyof T]-?: HasUnknown<T[K]> }[keyof T] ? true : false
      : false;

/**
 * A document the client may send: gql.tada types a field the schema lacks as `unknown` (its editor
 * plugin flags it, `tsc` does not), so a document with one fails the type check where it is sent.
 */
export type KnownDocument<T, V> = TadaDocumentNode<T, V> & (HasUnknown<T> extends true ? { 'selects a field the schema does not have': never } : unknown);
