/**
 * Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, LM Studio, …),
 * configured per workspace as AiSettings.embeddings. Replaces the local model when configured.
 */
import type OpenAI from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import type { Embedder } from '../ports';

/** Where and what to embed with (AiSettings.embeddings). */
export interface OpenAiCompatibleEmbeddingsConfig {
  /** The API root including `/v1`, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  model: string;
  apiKey: string | null;
  dimensions: number;
}

/** Texts per request: OpenAI takes up to 2048 inputs, but self-hosted servers often far fewer. */
export const OPENAI_EMBEDDINGS_BATCH = 64;
/** One request's budget; the SDK retries twice within the activity's own retry policy. */
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_RETRIES = 2;

/** An Embedder that calls the endpoint with the `openai` SDK. */
export function createOpenAiCompatibleEmbedder(config: OpenAiCompatibleEmbeddingsConfig): Embedder {
  // The SDK (~30 MB resident) loads with the first request, not with the process.
  let sdk: Promise<OpenAI> | null = null;
  const client = () => (sdk ??= import('openai').then(({ default: OpenAI }) => new OpenAI({
    baseURL: config.baseUrl,
    // Local servers take no key, but the SDK refuses to start without one.
    apiKey: config.apiKey || 'none',
    timeout: REQUEST_TIMEOUT_MS,
    maxRetries: MAX_RETRIES,
  })));
  return {
    model: config.model,
    dimensions: config.dimensions,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += OPENAI_EMBEDDINGS_BATCH) {
        const batch = texts.slice(i, i + OPENAI_EMBEDDINGS_BATCH);
        const response = await (await client()).embeddings.create({
          model: config.model,
          input: batch,
          dimensions: config.dimensions,
          // Floats, not the SDK's default base64: not every compatible server speaks base64.
          encoding_format: 'float',
        });
        const ordered = [...response.data].sort((a, b) => a.index - b.index);
        if (ordered.length !== batch.length) {
          throw new Error(`embeddings endpoint returned ${ordered.length} vectors for ${batch.length} texts`);
        }
        for (const item of ordered) {
          if (item.embedding.length !== config.dimensions) {
            // A configuration error: retrying cannot mend it.
            throw ApplicationFailure.nonRetryable(`embeddings endpoint returned ${item.embedding.length} dimensions, configured ${config.dimensions}`);
          }
          vectors.push(item.embedding);
        }
      }
      return vectors;
    },
  };
}
