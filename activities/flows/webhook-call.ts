/**
 * One call of a flow's webhook node: http(s) to public addresses only (the SSRF guard of document
 * URLs, address-guard.ts), bounded in time and in response size, never following redirects (a
 * redirect could lead to a private address). A 5xx, a 429, a timeout or a refused connection is
 * thrown to be retried; another 4xx is final (non-retryable): asking again will not change it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { assertPublicUrl, UnsafeUrlError } from '../knowledge/address-guard';
import type { WebhookRequest } from '../../workflows/flows/flow-graph';

/** A webhook that has not answered within this is given up (and retried by the node's retries). */
export const FLOW_WEBHOOK_TIMEOUT_MS = 10_000;
/** The most of a response body a run reads (and keeps in its variables). */
export const FLOW_WEBHOOK_MAX_BYTES = 64 * 1024;

export const WEBHOOK_REFUSED = 'FlowWebhookRefused';

export interface WebhookResult {
  status: number;
  /** The body: parsed JSON when it is JSON, else its text. */
  body: unknown;
}

export async function callWebhook(request: WebhookRequest, options: { allowPrivate: boolean; flowRunId: string }): Promise<WebhookResult> {
  let url: URL;
  try {
    url = new URL(request.url);
    await assertPublicUrl(url, options.allowPrivate);
  } catch (err) {
    const reason = err instanceof UnsafeUrlError ? err.message : `the URL ${JSON.stringify(request.url)} is not valid`;
    throw ApplicationFailure.nonRetryable(reason, WEBHOOK_REFUSED);
  }
  const hasBody = request.body !== null && request.method !== 'GET';
  const headers: Record<string, string> = { 'user-agent': 'Parley-Flows/1', 'x-parley-flow-run': options.flowRunId, ...request.headers };
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = looksLikeJson(request.body!) ? 'application/json' : 'text/plain';
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body: hasBody ? request.body : undefined, redirect: 'manual', signal: AbortSignal.timeout(FLOW_WEBHOOK_TIMEOUT_MS) });
  } catch (err) {
    throw new Error(`the webhook could not be reached: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
  }
  const text = await readCapped(response);
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw new Error(`the webhook answered ${response.status}`);
  if (response.status >= 300) throw ApplicationFailure.nonRetryable(`the webhook answered ${response.status}`, WEBHOOK_REFUSED);
  return { status: response.status, body: parseBody(text) };
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > FLOW_WEBHOOK_MAX_BYTES) {
      await reader.cancel();
      throw ApplicationFailure.nonRetryable(`the webhook's response is larger than ${FLOW_WEBHOOK_MAX_BYTES / 1024} KB`, WEBHOOK_REFUSED);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: a run keeps the text as it came.
    return text;
  }
}

function looksLikeJson(body: string): boolean {
  const t = body.trim();
  return t.startsWith('{') || t.startsWith('[');
}
