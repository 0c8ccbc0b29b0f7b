import type OpenAI from 'openai';
import { imageTurnIndex, type LlmProvider, type ModelAnswer, type ModelRequest, type ProviderConfig } from './port';
import { REPLY_TOOL } from '../reply-output';
import { AI_MAX_OUTPUT_TOKENS } from '../timeouts';

/**
 * OpenAI's chat completions with a forced function call: OpenAI, Ollama, vLLM, LM Studio by base
 * URL (with /v1, as those servers publish it).
 */
export function openAiCompatibleProvider(config: ProviderConfig): LlmProvider {
  let client: Promise<OpenAI> | null = null;
  return {
    label: 'OPENAI_COMPATIBLE',
    model: config.model,
    async complete(request: ModelRequest): Promise<ModelAnswer> {
      const tool = request.tool ?? REPLY_TOOL;
      const completion = await (await (client ??= openAiClient(config))).chat.completions.create(
        {
          model: config.model,
          max_tokens: AI_MAX_OUTPUT_TOKENS,
          temperature: request.temperature,
          messages: [{ role: 'system', content: request.system }, ...withImages(request)],
          tools: [{ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.schema as unknown as Record<string, unknown> } }],
          tool_choice: { type: 'function', function: { name: tool.name } },
        },
        { timeout: request.timeoutMs },
      );
      const call = completion.choices?.[0]?.message?.tool_calls?.find((c) => c.type === 'function');
      if (!call || call.type !== 'function') throw new Error(`the model answered without calling the ${tool.name} function`);
      return { toolInput: call.function.arguments, inputTokens: completion.usage?.prompt_tokens ?? null, outputTokens: completion.usage?.completion_tokens ?? null };
    },
  };
}

/** The turns, the request's images as data-URL image parts before the last user turn's text. */
function withImages(request: ModelRequest): OpenAI.Chat.ChatCompletionMessageParam[] {
  const images = request.images ?? [];
  const at = imageTurnIndex(request);
  return request.messages.map((turn, i) =>
    i === at
      ? {
          role: 'user',
          content: [
            ...images.map((image) => ({ type: 'image_url' as const, image_url: { url: `data:${image.mimeType};base64,${image.base64}` } })),
            { type: 'text' as const, text: turn.content },
          ],
        }
      : turn,
  );
}

/**
 * The SDK client for an OpenAI-compatible endpoint (chat, embeddings, transcriptions), no SDK
 * retries: failover decides. The SDK (~30 MB resident) loads with the first call, not with the process.
 */
export async function openAiClient(config: Pick<ProviderConfig, 'baseUrl' | 'apiKey'>): Promise<OpenAI> {
  const { default: OpenAI } = await import('openai');
  return new OpenAI({ apiKey: config.apiKey ?? 'none', baseURL: config.baseUrl.replace(/\/+$/, ''), maxRetries: 0 });
}
