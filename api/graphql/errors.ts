/**
 * Expected failures reach the client as GraphQL errors with a code; anything else is masked
 * by Yoga ("Unexpected error.") and logged with its stack on the server only.
 */
import { GraphQLError } from 'graphql';
import type { ZodError, ZodType } from 'zod';

export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

export function clientError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (message: string, field?: string) => clientError('BAD_USER_INPUT', message, field ? { field } : {});
export const unauthenticated = (message = 'sign in first') => clientError('UNAUTHENTICATED', message);
export const forbidden = (message = 'your role does not allow this') => clientError('FORBIDDEN', message);
export const notFound = (what: string) => clientError('NOT_FOUND', `${what} not found`);

/** Parses input with a zod schema; the first problem becomes a BAD_USER_INPUT naming the field. */
export function validate<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = (result.error as ZodError).issues[0];
  const field = issue.path.join('.');
  throw badInput(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}
