import { decryptSecret } from '../../schema/crypto';
import { aiSecretScope, type StoredAiProvider, type StoredEmbeddings } from '../../schema/entities/ai-settings.entity';
import type { OpenAiCompatibleEmbeddingsConfig } from '../knowledge/embedders/openai-compatible';
import type { ProviderConfig } from './providers/port';

/** The stored providers with their keys opened, for one call; the keys never leave the process. */
export function openProviders(encryptionKey: Buffer, workspaceId: string, stored: StoredAiProvider[]): ProviderConfig[] {
  return stored.map((p) => ({
    kind: p.kind,
    baseUrl: p.baseUrl,
    model: p.model,
    apiKey: p.apiKeySealed ? decryptSecret(encryptionKey, p.apiKeySealed, aiSecretScope(workspaceId)) : null,
  }));
}

/** The workspace's embeddings endpoint with its key opened (for knowledge.embedderFor); null: the platform's default embedder. */
export function openEmbeddings(encryptionKey: Buffer, workspaceId: string, stored: StoredEmbeddings | null): OpenAiCompatibleEmbeddingsConfig | null {
  if (!stored) return null;
  return {
    baseUrl: stored.baseUrl,
    model: stored.model,
    dimensions: stored.dimensions,
    apiKey: stored.apiKeySealed ? decryptSecret(encryptionKey, stored.apiKeySealed, aiSecretScope(workspaceId)) : null,
  };
}
