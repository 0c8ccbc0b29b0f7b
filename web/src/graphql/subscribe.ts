import { accessToken } from '../lib/auth';
import { CSRF_HEADERS, documentText, ENDPOINT, type GraphQLErrorShape, GraphQLRequestError, isUnauthenticated, refreshSession, signOut } from './client';
import type { KnownDocument } from './graphql';

export interface SubscribeHandlers<T> {
  next(data: T): void;
  /** Called each time the stream is (re)established: refetch here, so nothing sent while disconnected is lost. */
  open?(): void;
  error?(err: GraphQLRequestError): void;
}

const RETRY_DELAYS_MS = [1000, 2000, 5000, 10000];
/** A stream refused again this soon after a refresh means the fresh token is refused too: sign out rather than loop. */
const MIN_MS_BETWEEN_REFRESHES = 10_000;

/**
 * A GraphQL subscription over SSE ("distinct connections": one POST with
 * `Accept: text/event-stream` per subscription). Reconnects with backoff until disposed.
 * Returns the dispose function.
 */
export function subscribe<T, V>(document: KnownDocument<T, V>, variables: V, handlers: SubscribeHandlers<T>): () => void {
  const query = documentText(document);
  let disposed = false;
  let controller: AbortController | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let lastRefreshAt = -Infinity;

  const scheduleRetry = () => {
    if (disposed) return;
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  };

  const failWith = async (errors: GraphQLErrorShape[], status?: number) => {
    // The server ends a stream with UNAUTHENTICATED when its access token expires: reconnect with a fresh one.
    if (isUnauthenticated(errors, status)) {
      if (Date.now() - lastRefreshAt > MIN_MS_BETWEEN_REFRESHES && (await refreshSession())) {
        lastRefreshAt = Date.now();
        return connect();
      }
      return signOut();
    }
    handlers.error?.(new GraphQLRequestError(errors));
  };

  async function connect(): Promise<void> {
    if (disposed) return;
    controller = new AbortController();
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream', ...CSRF_HEADERS };
    const token = accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: controller.signal });
    } catch {
      return scheduleRetry();
    }
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !type.includes('text/event-stream') || !res.body) {
      let errors: GraphQLErrorShape[] = [{ message: `Live updates unavailable (HTTP ${res.status})` }];
      try {
        const body = await res.json();
        if (body?.errors?.length) errors = body.errors;
      } catch {
        /* not JSON: keep the HTTP status message */
      }
      if (res.status >= 500) return scheduleRetry();
      return failWith(errors, res.status);
    }

    attempt = 0;
    handlers.open?.();
    try {
      for await (const event of readEvents(res.body)) {
        if (disposed) return;
        if (event.event === 'complete') break;
        if (event.event !== 'next' && event.event !== 'message') continue;
        if (!event.data) continue;
        const payload = JSON.parse(event.data) as { data?: T; errors?: GraphQLErrorShape[] };
        if (payload.errors?.length) return failWith(payload.errors);
        if (payload.data) handlers.next(payload.data);
      }
    } catch {
      /* network drop or abort: fall through to reconnect */
    }
    // These subscriptions never end on their own: a completed or dropped stream means the server restarted.
    scheduleRetry();
  }

  void connect();
  return () => {
    disposed = true;
    clearTimeout(retryTimer);
    controller?.abort();
  };
}

interface SseEvent {
  event: string;
  data: string;
}

/** Parses a text/event-stream body into events; comment lines (keep-alives) are skipped. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let boundary: RegExpExecArray | null;
      while ((boundary = /\r?\n\r?\n/.exec(buffer))) {
        const block = buffer.slice(0, boundary.index);
        buffer = buffer.slice(boundary.index + boundary[0].length);
        const event = parseBlock(block);
        if (event) yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === 'message' && data.length === 0) return null;
  return { event, data: data.join('\n') };
}
