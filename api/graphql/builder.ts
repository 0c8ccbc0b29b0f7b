/** The Pothos schema builder; types are defined beside it in types/. */
import SchemaBuilder from '@pothos/core';
import type { GraphQLContext } from './context';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: { DateTime: { Input: Date; Output: Date | string }; JSON: { Input: unknown; Output: unknown }; File: { Input: File; Output: never } };
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });

builder.scalarType('DateTime', {
  serialize: (value) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO 8601 string');
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'A JSON value (an object of type-specific details).',
  serialize: (value) => value,
  parseValue: (value) => value,
});

/** A file of a GraphQL multipart request (graphql-multipart-request-spec), which Yoga parses into a File. */
builder.scalarType('File', {
  description: 'An uploaded file (GraphQL multipart request).',
  serialize: () => {
    throw new TypeError('File is an input-only scalar');
  },
  parseValue: (value) => {
    if (!(value instanceof Object) || typeof (value as File).arrayBuffer !== 'function') throw new TypeError('File must be an uploaded file (a multipart request)');
    return value as File;
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
