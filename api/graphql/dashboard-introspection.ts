/**
 * The dashboard's GraphQL types come from the printed schema through the introspection file gql.tada
 * reads (web/src/graphql/graphql-env.d.ts); this writes it as its CLI (`gql.tada generate output`)
 * and editor plugin do, so `npm run schema:print` keeps both files in step.
 */
import { buildSchema, introspectionFromSchema } from 'graphql';
import { minifyIntrospection, outputIntrospectionFile } from 'gql.tada/internal';

/** Where tsconfig.json's gql.tada plugin entry (`tadaOutputLocation`) puts it. */
export const INTROSPECTION_FILE = 'web/src/graphql/graphql-env.d.ts';

/** The introspection file's text for a printed schema (SDL). */
export function dashboardIntrospection(sdl: string): string {
  const introspection = introspectionFromSchema(buildSchema(sdl), { inputValueDeprecation: true, oneOf: true });
  return outputIntrospectionFile(minifyIntrospection(introspection), { fileType: INTROSPECTION_FILE, shouldPreprocess: true });
}
