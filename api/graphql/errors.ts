/**
 * Expected failures reach the client as GraphQL errors with a code; anything else is masked
 * by Yoga ("Unexpected error.") and logged with its stack on the server only.
 */
import { GraphQLError } from 'graphql';
import type { ZodError, ZodType } from 'zod';

/** Every `extensions.code` the API answers with. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'RATE_LIMITED' | 'QUERY_TOO_COMPLEX';

export function clientError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (message: string, field?: string) => clientError('BAD_USER_INPUT', message, field ? { field } : {});
export const unauthenticated = (message = 'sign in first') => clientError('UNAUTHENTICATED', message);
export const forbidden = (message = 'your role does not allow this') => clientError('FORBIDDEN', message);
export const notFound = (what: string) => clientError('NOT_FOUND', `${what} not found`);

/** HTTP 429 with Retry-After (Yoga turns `extensions.http` into the response's status and headers). */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  clientError('RATE_LIMITED', message, { retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } });

/** An operation over one of the query limits (api/graphql/limits.ts); `limit` names which. */
export const queryTooComplex = (limit: string, message: string) => clientError('QUERY_TOO_COMPLEX', message, { limit, http: { status: 400 } });

/** Parses input with a zod schema; the first problem becomes a BAD_USER_INPUT naming the field. */
export function validate<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = (result.error as ZodError).issues[0];
  const field = issue.path.join('.');
  throw badInput(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}
