import type Anthropic from '@anthropic-ai/sdk';
import { imageTurnIndex, type LlmProvider, type ModelAnswer, type ModelRequest, type ProviderConfig } from './port';
import { REPLY_TOOL } from '../reply-output';
import { AI_MAX_OUTPUT_TOKENS } from '../timeouts';

/**
 * Anthropic's Messages API; the reply is forced through the `reply` tool. `baseUrl` without /v1 (the
 * SDK adds it). SDK 1.15 has no sampling parameters (the current models take none), so no temperature.
 */
export function anthropicProvider(config: ProviderConfig): LlmProvider {
  // The SDK (~25 MB resident) loads with the first call, not with the process.
  let client: Promise<Anthropic> | null = null;
  const connect = () => (client ??= import('@anthropic-ai/sdk').then(({ default: Anthropic }) =>
    new Anthropic({ apiKey: config.apiKey ?? 'none', baseURL: config.baseUrl.replace(/\/+$/, ''), maxRetries: 0 })));
  return {
    label: 'ANTHROPIC',
    model: config.model,
    async complete(request: ModelRequest): Promise<ModelAnswer> {
      const tool = request.tool ?? REPLY_TOOL;
      const message = await (await connect()).messages.create(
        {
          model: config.model,
          max_tokens: AI_MAX_OUTPUT_TOKENS,
          system: request.system,
          messages: withImages(request),
          tools: [{ name: tool.name, description: tool.description, input_schema: tool.schema as unknown as Anthropic.Tool.InputSchema }],
          tool_choice: { type: 'tool', name: tool.name },
        },
        { timeout: request.timeoutMs },
      );
      const call = message.content.find((block) => block.type === 'tool_use');
      if (!call) throw new Error(`the model answered without calling the ${tool.name} tool`);
      return { toolInput: call.input, inputTokens: message.usage?.input_tokens ?? null, outputTokens: message.usage?.output_tokens ?? null };
    },
  };
}

/** The turns, the request's images as base64 image blocks before the last user turn's text. */
function withImages(request: ModelRequest): Anthropic.MessageParam[] {
  const images = request.images ?? [];
  const at = imageTurnIndex(request);
  return request.messages.map((turn, i) =>
    i === at
      ? {
          role: 'user',
          content: [
            ...images.map((image) => ({
              type: 'image' as const,
              source: { type: 'base64' as const, media_type: image.mimeType as Anthropic.Base64ImageSource['media_type'], data: image.base64 },
            })),
            { type: 'text' as const, text: turn.content },
          ],
        }
      : turn,
  );
}
