import type { LlmProvider, ProviderConfig } from './port';
import { anthropicProvider } from './anthropic';
import { openAiCompatibleProvider } from './openai-compatible';

/** The adapter for a provider's kind. */
export function createProvider(config: ProviderConfig): LlmProvider {
  switch (config.kind) {
    case 'ANTHROPIC':
      return anthropicProvider(config);
    case 'OPENAI_COMPATIBLE':
      return openAiCompatibleProvider(config);
  }
}
