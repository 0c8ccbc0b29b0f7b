/**
 * Asks the providers in failover order: one that errors, times out or answers garbage is skipped
 * for the next; a malformed answer (a tool call that does not fit the schema) is asked again once,
 * then stands as a low-confidence answer.
 */
import { parseReplyOutput, type ReplyOutput } from './reply-output';
import { createProvider } from './providers/create-provider';
import type { LlmProvider, ModelAnswer, ModelRequest, ProviderConfig } from './providers/port';

/** What one provider did, for the log and the trace. */
export interface ProviderAttempt {
  provider: string;
  model: string;
  error: string | null;
}

export type GenerateResult =
  | {
      kind: 'answer';
      /** null: malformed twice. */
      output: ReplyOutput | null;
      provider: string;
      model: string;
      latencyMs: number;
      inputTokens: number | null;
      outputTokens: number | null;
      attempts: ProviderAttempt[];
    }
  | { kind: 'unavailable'; attempts: ProviderAttempt[] };

/** The first provider's well-formed answer (or its malformed one, after the retry), or unavailable when every provider failed. */
export async function generateWithFailover(
  providers: ProviderConfig[],
  request: ModelRequest,
  create: (config: ProviderConfig) => LlmProvider = createProvider,
): Promise<GenerateResult> {
  const attempts: ProviderAttempt[] = [];
  for (const config of providers) {
    const provider = create(config);
    const started = Date.now();
    let inputTokens: number | null = null;
    let outputTokens: number | null = null;
    try {
      let output: ReplyOutput | null = null;
      for (let ask = 0; ask < MALFORMED_ASKS && !output; ask++) {
        const answer = await completeWithin(provider, request);
        inputTokens = add(inputTokens, answer.inputTokens);
        outputTokens = add(outputTokens, answer.outputTokens);
        output = parseReplyOutput(answer.toolInput);
      }
      attempts.push({ provider: provider.label, model: provider.model, error: output ? null : 'malformed answer' });
      return { kind: 'answer', output, provider: provider.label, model: provider.model, latencyMs: Date.now() - started, inputTokens, outputTokens, attempts };
    } catch (err) {
      attempts.push({ provider: provider.label, model: provider.model, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { kind: 'unavailable', attempts };
}

/** A malformed answer is asked for again once. */
const MALFORMED_ASKS = 2;

/**
 * One completion within the request's timeout. The SDKs' own timeout covers the request; this one
 * also covers a server that sends headers and then stalls the body (every caller of a provider asks through it).
 */
export function completeWithin(provider: LlmProvider, request: ModelRequest): Promise<ModelAnswer> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
  });
  return Promise.race([provider.complete(request), timeout]).finally(() => clearTimeout(timer));
}

function add(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}
