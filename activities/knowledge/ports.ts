/**
 * The knowledge ports (issue 10): how text becomes vectors, where vectors live, and how the bot
 * finds passages. Adapters: activities/knowledge/embedders/* (the local all-MiniLM-L6-v2 model,
 * an OpenAI-compatible endpoint), activities/knowledge/vector-index/* (LanceDB, Qdrant). Pure types.
 */

/** Turns texts into vectors of one model. */
export interface Embedder {
  /** Identifies the model; a change of model re-indexes (vectors of two models never mix). */
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order. Callers batch; an adapter may split a batch further. */
  embed(texts: string[]): Promise<number[][]>;
}

/** One chunk's (or FAQ's) vector with what every search filters by. */
export interface VectorRecord {
  /** The chunk id (or FAQ id). */
  id: string;
  workspaceId: string;
  knowledgeBaseId: string;
  /** The document it came from; null for a FAQ. */
  documentId: string | null;
  vector: number[];
}

/** Which vectors a delete removes: always within one workspace, by document or by id. */
export interface VectorFilter {
  workspaceId: string;
  documentId?: string;
  ids?: string[];
  otherWidthsThan?: number;
}

/** Where vectors live. Every search is filtered by workspace and knowledge bases. */
export interface VectorIndex {
  upsert(model: string, records: VectorRecord[]): Promise<void>;
  /**
   * Removes a document's vectors (or a FAQ's: documentId null and ids given), at every width of
   * the model, or, with `otherWidthsThan`, at every width but that one (what a width change left).
   */
  delete(model: string, filter: VectorFilter): Promise<void>;
  search(model: string, query: { workspaceId: string; knowledgeBaseIds: string[]; vector: number[]; limit: number }): Promise<Array<{ id: string; score: number }>>;
}

/** A passage retrieval found for a question. */
export interface RetrievedPassage {
  /** The chunk id or FAQ id. */
  id: string;
  kind: 'CHUNK' | 'FAQ';
  knowledgeBaseId: string;
  documentId: string | null;
  /** The document's name, or "FAQ". */
  documentName: string;
  text: string;
  /** The fused (reciprocal rank fusion) score, higher is better. */
  score: number;
}

/** Hybrid retrieval: full-text (Postgres tsvector) and vectors, fused by reciprocal rank. */
export interface Retriever {
  /**
   * knowledgeBaseIds null or empty: all of the workspace's. embedder: the workspace's own (its
   * OpenAI-compatible endpoint); null: full-text only; left out: the platform's default embedder.
   */
  retrieve(query: { workspaceId: string; knowledgeBaseIds: string[] | null; text: string; limit: number; embedder?: Embedder | null }): Promise<RetrievedPassage[]>;
}
