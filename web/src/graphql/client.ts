import { type DocumentNode, print } from 'graphql';
import { accessToken, clearTokens, saveTokens } from '../lib/auth';
import { navigate } from '../lib/router';
import { graphql, type KnownDocument } from './graphql';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** A GraphQL response with errors; `message` joins the server's messages for display. */
export class GraphQLRequestError extends Error {
  constructor(readonly errors: GraphQLErrorShape[]) {
    super(errors.map((e) => e.message).join('\n') || 'Request failed');
    this.name = 'GraphQLRequestError';
  }
  get code(): string | undefined {
    return this.errors.find((e) => e.extensions?.code)?.extensions?.code;
  }
}

export const ENDPOINT = '/graphql';

/** Sent with every request: the API refuses a browser request without it that skipped the CORS preflight (CSRF). */
export const CSRF_HEADERS = { 'x-graphql-yoga-csrf': '1' } as const;

export function isUnauthenticated(errors: GraphQLErrorShape[] | undefined, status?: number): boolean {
  return status === 401 || !!errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

interface Options {
  /** Sign-in, sign-up and refresh go without a token and never trigger a refresh. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

const printed = new WeakMap<DocumentNode, string>();

/** The text of a document, printed once. */
export function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

/** One query or mutation; on UNAUTHENTICATED it refreshes the token once and retries. */
export async function gql<T, V>(document: KnownDocument<T, V>, variables: V, opts: Options = {}): Promise<T> {
  const query = documentText(document);
  let result = await post<T>(query, variables, opts);
  if (!opts.anonymous && isUnauthenticated(result.errors, result.status)) {
    if (await refreshSession()) result = await post<T>(query, variables, opts);
    if (isUnauthenticated(result.errors, result.status)) {
      signOut();
      throw new GraphQLRequestError(result.errors ?? [{ message: 'Your session has expired. Please sign in again.' }]);
    }
  }
  if (result.errors?.length) throw new GraphQLRequestError(result.errors);
  if (!result.data) throw new GraphQLRequestError([{ message: `Unexpected response from the server (HTTP ${result.status})` }]);
  return result.data;
}

async function post<T>(query: string, variables: unknown, opts: Options) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...CSRF_HEADERS };
  const token = accessToken();
  if (!opts.anonymous && token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new GraphQLRequestError([{ message: 'Cannot reach the Parley server. Check your connection and try again.' }]);
  }
  let body: { data?: T; errors?: GraphQLErrorShape[] } = {};
  try {
    body = await res.json();
  } catch {
    body = { errors: [{ message: `The server answered HTTP ${res.status} ${res.statusText}` }] };
  }
  return { status: res.status, data: body.data ?? undefined, errors: body.errors };
}

const Refresh = graphql(`mutation Refresh { refreshToken { accessToken } }`);
const SignOut = graphql(`mutation SignOut { signOut }`);

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh cookie (HttpOnly, set by sign-in) for a new access token; concurrent callers share one request. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const data = await gql(Refresh, {}, { anonymous: true });
      saveTokens(data.refreshToken);
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Signs out here and on the server: the refresh cookie's sign-in chain is revoked and the cookie cleared. */
export function signOut(): void {
  clearTokens();
  // The sign-in page comes once the cookie is cleared, so a quick next sign-in's cookie is not cleared after it.
  void post(documentText(SignOut), undefined, { anonymous: true })
    .catch(() => undefined)
    .finally(() => navigate('/signin', { replace: true }));
}

export function errorMessage(err: unknown): string {
  if (err instanceof GraphQLRequestError && err.code === 'FORBIDDEN') {
    return 'Your role does not allow this. Ask a workspace owner or admin.';
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * BAD_USER_INPUT errors name their field ("timeZone: is not an IANA time zone…", extensions.field "timeZone";
 * nested ones as "businessHours.2.close"). Returns field → message without the prefix, or null for other errors.
 */
export function fieldErrors(err: unknown): Record<string, string> | null {
  if (!(err instanceof GraphQLRequestError)) return null;
  const out: Record<string, string> = {};
  for (const e of err.errors) {
    if (e.extensions?.code !== 'BAD_USER_INPUT') continue;
    const field = typeof e.extensions.field === 'string' ? e.extensions.field : /^([\w.]+): /.exec(e.message)?.[1];
    if (!field) continue;
    out[field] = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
  }
  return Object.keys(out).length ? out : null;
}
