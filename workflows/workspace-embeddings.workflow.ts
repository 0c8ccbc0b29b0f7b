/**
 * workspaceEmbeddingsWorkflow, id `embeddings:<workspaceId>` (ids.ts): brings a workspace's vectors
 * to its current embedding model — new and edited FAQs, and, after the model changed, every
 * indexed document and FAQ made with the one before (each document's live chunks re-embedded,
 * then the old model's vectors removed). Started or nudged by `embeddingsChangedSignal`
 * (signal-with-start: a FAQ saved, the embeddings settings changed); it ends when nothing is left
 * and no nudge came meanwhile. faqRemovalWorkflow, id `unindex-faq:<faqId>`: a deleted FAQ's vectors removed.
 */
import * as wf from '@temporalio/workflow';
import type { EmbeddingActivities, StaleDocument } from '../activities/knowledge/embedding.activities';
import type { KnowledgeActivities } from '../activities/knowledge/knowledge.activities';
import { embeddingBatch, quickIo, vectorRemoval } from './presets';

export interface WorkspaceEmbeddingsInput {
  workspaceId: string;
}

/** Something to embed may have changed: look again before ending. */
export const embeddingsChangedSignal = wf.defineSignal('embeddingsChanged');

const rows = wf.proxyLocalActivities<EmbeddingActivities>(quickIo);
const embedding = wf.proxyActivities<EmbeddingActivities & KnowledgeActivities>(embeddingBatch);
const removal = wf.proxyActivities<EmbeddingActivities>(vectorRemoval);

/** Documents looked up per round; the next round finds the rest (those done are no longer stale). */
const DOCUMENTS_PER_ROUND = 20;
/** Failure types of the knowledge activities (activities/knowledge/knowledge.activities.ts). */
const SKIPPED_FAILURES = new Set(['RevisionSuperseded', 'EmbeddingModelChanged']);

/** Re-embeds until the workspace's vectors are all of its current model. */
export async function workspaceEmbeddingsWorkflow(input: WorkspaceEmbeddingsInput): Promise<void> {
  let nudged = true;
  wf.setHandler(embeddingsChangedSignal, () => {
    nudged = true;
  });
  while (nudged) {
    nudged = false;
    while ((await embedding.embedStaleFaqs(input)) > 0);
    for (;;) {
      const stale = await rows.staleDocumentEmbeddings({ workspaceId: input.workspaceId, limit: DOCUMENTS_PER_ROUND });
      if (!stale.model || stale.documents.length === 0) break;
      for (const document of stale.documents) await reembed(document, stale.model, stale.dimensions);
      if (wf.workflowInfo().continueAsNewSuggested) {
        await wf.condition(wf.allHandlersFinished);
        await wf.continueAsNew<typeof workspaceEmbeddingsWorkflow>(input);
      }
    }
  }
}

/**
 * One document's live chunks embedded with `model` at `dimensions` (undefined in histories from
 * before widths) in batches; a model or width changed again or a re-index meanwhile skips it (the
 * next round, or its ingestion, covers it).
 */
async function reembed(document: StaleDocument, model: string, dimensions: number | undefined): Promise<void> {
  try {
    let after = -1;
    while (after < document.chunkCount - 1) {
      const last = await embedding.embedDocumentChunks({ ...document, afterOrdinal: after, embeddingModel: model, embeddingDimensions: dimensions });
      if (last === null) break;
      after = last;
    }
    await rows.finishDocumentEmbedding({ ...document, newModel: model, newDimensions: dimensions });
  } catch (err) {
    if (err instanceof wf.ActivityFailure && err.cause instanceof wf.ApplicationFailure && SKIPPED_FAILURES.has(err.cause.type ?? '')) return;
    throw err;
  }
}

/** Removes a deleted FAQ's vectors (its row is gone already). */
export async function faqRemovalWorkflow(input: { workspaceId: string; faqId: string; embeddingModels: string[] }): Promise<void> {
  await removal.removeFaqVectors(input);
}
