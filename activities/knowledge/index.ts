/**
 * The knowledge services one process runs on, built from config in one place: the default
 * embedder, the vector index and the retriever. The worker's ActivityContext carries them as
 * `knowledge` (activities/context.ts).
 */
import path from 'node:path';
import type { Config } from '../config';
import type { Orm } from '../../schema/orm';
import type { Embedder, Retriever, VectorIndex } from './ports';
import { createLocalMiniLmEmbedder, localMiniLmAvailable, localMiniLmDir } from './embedders/local-minilm';
import { createOpenAiCompatibleEmbedder, type OpenAiCompatibleEmbeddingsConfig } from './embedders/openai-compatible';
import type { LanceDbIndex } from './vector-index/lancedb';
import { lazily } from '../lazy';
import { createRetriever } from './retrieve';

/** What ActivityContext.knowledge holds. */
export interface Knowledge {
  /** The platform's default embedder (the local model); null: EMBEDDINGS=off or the model was not built. */
  embedder: Embedder | null;
  vectorIndex: VectorIndex;
  retriever: Retriever;
  /** The embedder a workspace uses: its own endpoint (AiSettings.embeddings) when set, else the default. */
  embedderFor(settings: OpenAiCompatibleEmbeddingsConfig | null | undefined): Embedder | null;
  close(): Promise<void>;
}

/** Builds the knowledge services: VECTOR_INDEX picks the index, EMBEDDINGS the default embedder. */
export async function createKnowledge(config: Config, orm: Orm): Promise<Knowledge> {
  const settings = config.knowledge;
  const modelDir = localMiniLmDir(settings.modelsDir);
  const local = settings.localEmbeddings && localMiniLmAvailable(modelDir) ? createLocalMiniLmEmbedder(modelDir) : null;
  if (settings.localEmbeddings && !local) {
    console.warn(`knowledge: the local embedding model is not built (${modelDir}); retrieval is full-text only. Run scripts/embedding-model.sh.`);
  }
  // Opened on first use: LanceDB and the Qdrant client cost ~30 MB resident each, which a process
  // that never touches vectors (most messages, most workspaces) should not pay.
  let lance: Promise<LanceDbIndex> | null = null;
  const vectorIndex = lazily<VectorIndex>(async () => {
    if (settings.vectorIndex === 'qdrant') return (await import('./vector-index/qdrant')).createQdrantIndex({ url: settings.qdrantUrl!, apiKey: settings.qdrantApiKey });
    return (lance = import('./vector-index/lancedb').then((m) => m.openLanceDbIndex(path.join(config.dataDir, 'vectors'))));
  }, ['upsert', 'delete', 'search']);
  // One client per endpoint and model, not one per call.
  const remote = new Map<string, Embedder>();
  return {
    embedder: local,
    vectorIndex,
    retriever: createRetriever({ orm, vectorIndex, defaultEmbedder: local }),
    embedderFor(endpoint) {
      if (!endpoint) return local;
      const key = JSON.stringify([endpoint.baseUrl, endpoint.model, endpoint.dimensions, endpoint.apiKey]);
      let embedder = remote.get(key);
      if (!embedder) remote.set(key, (embedder = createOpenAiCompatibleEmbedder(endpoint)));
      return embedder;
    },
    async close() {
      await local?.close();
      await (await lance?.catch(() => null))?.close();
    },
  };
}
