/**
 * documentIngestionWorkflow, id `ingest:<documentId>:<revision>` (ids.ts): one ingestion of one
 * revision of a document — extract and chunk → embed in batches → index → INDEXED, or FAILED with
 * a readable error. Extraction and chunking are one activity: the extracted text of a 25 MB file
 * would not fit in the workflow's history, so it goes straight from the file to the chunks table.
 * documentRemovalWorkflow, id `unindex:<documentId>`: a deleted document's vectors removed.
 */
import * as wf from '@temporalio/workflow';
import type { KnowledgeActivities, RevisionRef } from '../activities/knowledge/knowledge.activities';
import { documentExtraction, embeddingBatch, quickIo, vectorRemoval } from './presets';

export type DocumentIngestionInput = RevisionRef;
/** SUPERSEDED: the document was re-indexed or deleted before this revision finished. */
export type IngestionOutcome = 'INDEXED' | 'FAILED' | 'SUPERSEDED';

const rows = wf.proxyLocalActivities<KnowledgeActivities>(quickIo);
const extraction = wf.proxyActivities<KnowledgeActivities>(documentExtraction);
const embedding = wf.proxyActivities<KnowledgeActivities>(embeddingBatch);
const removal = wf.proxyActivities<KnowledgeActivities>(vectorRemoval);

/** Failure types of the knowledge activities (activities/knowledge/knowledge.activities.ts). */
const REVISION_SUPERSEDED = 'RevisionSuperseded';
const EMBEDDING_MODEL_CHANGED = 'EmbeddingModelChanged';

/** Ingests one document revision; the document's row shows its status and progress throughout. */
export async function documentIngestionWorkflow(input: DocumentIngestionInput): Promise<IngestionOutcome> {
  if (!(await rows.startDocumentIngestion(input))) return 'SUPERSEDED';
  let embeddingModel: string | null = null;
  try {
    const stored = await extraction.storeDocumentChunks(input);
    embeddingModel = stored.embeddingModel;
    let embeddingDimensions = stored.embeddingDimensions;
    if (embeddingModel) ({ model: embeddingModel, dimensions: embeddingDimensions } = await embedChunks(input, stored.chunkCount, { model: embeddingModel, dimensions: embeddingDimensions }));
    return (await rows.finishDocumentIngestion({ ...input, ...stored, embeddingModel, embeddingDimensions })) ? 'INDEXED' : 'SUPERSEDED';
  } catch (err) {
    if (!(err instanceof wf.ActivityFailure)) throw err;
    const cause = err.cause;
    if (cause instanceof wf.ApplicationFailure && cause.type === REVISION_SUPERSEDED) return 'SUPERSEDED';
    await rows.failDocumentIngestion({ ...input, embeddingModel, error: readable(err) });
    return 'FAILED';
  }
}

/** An embedding model at a width (undefined or null: a history from before widths were checked). */
interface EmbeddingAt {
  model: string;
  dimensions?: number | null;
}

/**
 * Embeds the revision's chunks in batches with `embedder`; returns the model and width they ended
 * with. When the workspace's model or its width changes mid-way (its settings), embedding starts
 * over with the new one, so the document ends INDEXED with vectors of one model at one width: the
 * ones its questions are embedded with.
 */
async function embedChunks(input: DocumentIngestionInput, chunkCount: number, embedder: EmbeddingAt): Promise<EmbeddingAt> {
  for (;;) {
    try {
      let after = -1;
      while (after < chunkCount - 1) {
        const last = await embedding.embedDocumentChunks({ ...input, afterOrdinal: after, embeddingModel: embedder.model, embeddingDimensions: embedder.dimensions });
        if (last === null) break;
        after = last;
      }
      return embedder;
    } catch (err) {
      const cause = err instanceof wf.ActivityFailure ? err.cause : null;
      const changedTo = cause instanceof wf.ApplicationFailure && cause.type === EMBEDDING_MODEL_CHANGED ? cause.details : undefined;
      if (typeof changedTo?.[0] !== 'string' || !wf.patched('ingest-restarts-on-model-change')) throw err;
      embedder = { model: changedTo[0], dimensions: typeof changedTo[1] === 'number' ? changedTo[1] : null };
    }
  }
}

/** Removes a deleted document's vectors (its rows are gone already). */
export async function documentRemovalWorkflow(input: { workspaceId: string; documentId: string; embeddingModels: string[] }): Promise<void> {
  await removal.removeDocumentVectors(input);
}

/** The innermost failure's message: what the activity said, not Temporal's wrapping. */
function readable(err: wf.ActivityFailure): string {
  let failure: Error = err;
  while (failure.cause instanceof Error) failure = failure.cause;
  return failure.message || 'the document could not be indexed';
}
