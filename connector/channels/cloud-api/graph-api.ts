/**
 * Calls to Meta's Graph API (`GRAPH_API_URL`, `GRAPH_API_VERSION`) with a channel's access token,
 * each bounded in time, and what their failures mean for a send: refused for good
 * (PermanentChannelError), certainly not taken (NotAcceptedError: retry), or ambiguous (a plain
 * Error: the request may have been carried out).
 */
import { NotAcceptedError, PermanentChannelError } from '../port';

/** Where the Graph API is and how long a call may take. */
export interface GraphApi {
  baseUrl: string;
  version: string;
  timeoutMs: number;
}

/** A Graph API error as its body carries it. */
export interface GraphErrorBody {
  error?: { code?: number; message?: string; error_subcode?: number; error_data?: { details?: string }; type?: string };
}

/**
 * Graph codes that say the request was refused before anything was done, so sending again is
 * safe: throttling (4 application, 80007 WABA, 130429 throughput, 131056 pair rate), and the
 * "temporarily unavailable" family (1 unknown API error and 2 service — Meta: "retry", 131016,
 * 133004 server unavailable).
 */
export const NOT_ACCEPTED_CODES = new Set([1, 2, 4, 80007, 130429, 131016, 131056, 133004]);

/**
 * Graph codes that refuse the channel, not the message: every send fails the same way until
 * someone fixes the channel (190 access token invalid or expired, 10 and 200 permission not
 * granted, 131005 access denied, 131031 business account locked). HTTP 401 says so too.
 */
export const CHANNEL_REJECTED_CODES = new Set([10, 190, 200, 131005, 131031]);

/** Any other error a 4xx answer carries is permanent: 131026 not on WhatsApp, 131047 re-engagement, 100 invalid parameter… */
export class GraphError extends PermanentChannelError {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(
      code === null ? `Graph API answered HTTP ${status}: ${message}` : `Graph API error ${code}: ${message}`,
      status === 401 || (code !== null && CHANNEL_REJECTED_CODES.has(code)),
    );
  }
}

/** Calls `method path` (relative to the version) with the token; JSON in and out. */
export async function callGraph<T>(api: GraphApi, token: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await graphFetch(api, token, `${api.baseUrl.replace(/\/$/, '')}/${api.version}/${path.replace(/^\//, '')}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await readBody(response, api);
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * Uploads a file for a later send (`POST /<version>/<phoneNumberId>/media`, multipart) and returns
 * its media id. Nothing reaches the customer by this call, so any failure but a permanent refusal
 * means the message was not sent (NotAcceptedError).
 */
export async function uploadGraphMedia(api: GraphApi, token: string, phoneNumberId: string, file: { bytes: Buffer; mimeType: string; fileName?: string }): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mimeType);
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.fileName ?? 'file');
  try {
    const response = await graphFetch(api, token, `${api.baseUrl.replace(/\/$/, '')}/${api.version}/${encodeURIComponent(phoneNumberId)}/media`, { method: 'POST', body: form });
    const answer = JSON.parse(await readBody(response, api)) as { id?: string };
    if (!answer.id) throw new Error('the Graph API returned no media id');
    return answer.id;
  } catch (err) {
    if (err instanceof PermanentChannelError || err instanceof NotAcceptedError) throw err;
    throw new NotAcceptedError(`uploading the file to the Graph API failed (${(err as Error).message}); nothing was sent`);
  }
}

/** A GET of an absolute URL the Graph API gave (a media file), as bytes. */
export async function fetchGraphBytes(api: GraphApi, token: string, url: string): Promise<{ body: Buffer; mimeType: string }> {
  const response = await graphFetch(api, token, url, { method: 'GET' });
  if (!response.ok) await readBody(response, api);
  return { body: Buffer.from(await response.arrayBuffer()), mimeType: response.headers.get('content-type') ?? 'application/octet-stream' };
}

/** The request, with the token and the time bound; a connection that was never made is NotAcceptedError. */
async function graphFetch(api: GraphApi, token: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(api.timeoutMs),
    });
  } catch (err) {
    throw describeFetchError(err, api);
  }
}

/** The body of a successful answer; an error answer is thrown, classified. */
async function readBody(response: Response, api: GraphApi): Promise<string> {
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw describeFetchError(err, api);
  }
  if (response.ok) return text;
  let parsed: GraphErrorBody = {};
  try {
    parsed = JSON.parse(text) as GraphErrorBody;
  } catch {
    // Not JSON (a proxy's page): classified by status alone.
  }
  throw classifyGraphAnswer(response.status, parsed);
}

/** What an error answer from the Graph API means for the request. */
export function classifyGraphAnswer(status: number, body: GraphErrorBody): Error {
  const code = body.error?.code ?? null;
  const message = [body.error?.message ?? `HTTP ${status}`, body.error?.error_data?.details].filter(Boolean).join(' — ');
  if (status === 429 || (code !== null && NOT_ACCEPTED_CODES.has(code))) {
    return new NotAcceptedError(code === null ? `Graph API answered HTTP ${status}: ${message}; nothing was sent` : `Graph API error ${code}: ${message}; nothing was sent`);
  }
  // A 5xx without a code that says it was refused may have been carried out.
  if (status >= 500) return new Error(`Graph API answered HTTP ${status}${code === null ? '' : ` (error ${code})`}: ${message}`);
  return new GraphError(status, code, message);
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function describeFetchError(err: unknown, api: GraphApi): Error {
  const cause = (err as { cause?: { code?: string } }).cause;
  if (cause?.code && NOT_CONNECTED.has(cause.code)) return new NotAcceptedError(`could not connect to the Graph API (${cause.code}); nothing was sent`);
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return new Error(`the Graph API did not answer within ${api.timeoutMs / 1000} s`);
  const reason = cause?.code ?? (err instanceof Error ? err.message : String(err));
  return Object.assign(new Error(`the connection to the Graph API failed after the request went out (${reason})`), { cause: err });
}
