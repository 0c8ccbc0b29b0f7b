/**
 * Postgres text cannot hold a NUL character, so an input carrying one would fail deep in a
 * resolver as a 500. This refuses it up front as BAD_USER_INPUT naming the field (named as the
 * resolvers' validation names them: `text`, `keywords.1`; a top-level `input` is left out).
 */
import { valueFromASTUntyped, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badInput } from './errors';

/** Yoga plugin: an operation whose arguments hold a NUL character does not run. */
export function rejectNulBytesPlugin(): Plugin {
  const check = ({ args, setResultAndStopExecution }: { args: { document: DocumentNode; variableValues?: Record<string, unknown> | null }; setResultAndStopExecution: (r: never) => void }) => {
    const field = fieldWithNul(args.document, args.variableValues ?? {});
    if (field !== null) setResultAndStopExecution({ errors: [badInput(`${field}: contains a NUL character, which text cannot hold`, field)] } as never);
  };
  return { onExecute: check, onSubscribe: check } as Plugin;
}

/** The first argument path whose string value contains U+0000, or null. */
function fieldWithNul(document: DocumentNode, variables: Record<string, unknown>): string | null {
  let found: string | null = null;
  visit(document, {
    Argument(node) {
      if (found !== null) return false;
      const path = nulPath(valueFromASTUntyped(node.value, variables));
      if (path !== null) found = [...(node.name.value === 'input' ? [] : [node.name.value]), ...path].join('.') || node.name.value;
      return false;
    },
  });
  return found;
}

function nulPath(value: unknown): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const path = nulPath(item);
      if (path) return [String(i), ...path];
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = nulPath(item);
      if (path) return [key, ...path];
    }
  }
  return null;
}
