/**
 * The workspaceEmbeddingsWorkflow's activities: FAQs get vectors like chunks do, and a change of
 * the workspace's embedding model re-embeds its indexed documents and FAQs with the new one. Each
 * is idempotent: vectors are keyed by chunk or FAQ id (a repeated batch overwrites its own), and a
 * row is marked with its model only if it is still the text that was embedded.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityContext } from '../context';
import { publish } from '../events';
import { Document } from '../../schema/entities/document.entity';
import { Faq } from '../../schema/entities/faq.entity';
import { current, documentUpdated, EMBED_BATCH_SIZE, type RevisionRef } from './knowledge.activities';
import { heartbeating } from './heartbeating';
import { activityEmbedderOf } from './workspace-embedder';
import { staleDocuments, staleFaqs } from './stale-embeddings';

/** An indexed document whose vectors are of another model (or of none). */
export interface StaleDocument extends RevisionRef {
  chunkCount: number;
  embeddingModel: string | null;
}

export function createEmbeddingActivities(ctx: ActivityContext) {
  const { orm } = ctx;
  const embedderOf = activityEmbedderOf(ctx);

  /**
   * Embeds the next batch of the workspace's FAQs that have no vector of its current model (new,
   * edited, or of the model before); returns how many were embedded, 0 when none is left (or the
   * workspace has no embedder).
   */
  async function embedStaleFaqs(input: { workspaceId: string }): Promise<number> {
    return heartbeating(async () => {
      const em = orm.em.fork() as EntityManager;
      const embedder = await embedderOf(em, input.workspaceId);
      const vectorIndex = ctx.knowledge?.vectorIndex;
      if (!embedder || !vectorIndex) return 0;
      const faqs = await staleFaqs(em, { workspaceId: input.workspaceId, model: embedder.model, limit: EMBED_BATCH_SIZE });
      if (faqs.length === 0) return 0;
      // The text retrieval shows for a FAQ (retrieve.ts passageOf): question, then answer.
      const vectors = await embedder.embed(faqs.map((f) => `${f.question}\n${f.answer}`));
      await vectorIndex.upsert(embedder.model, faqs.map((f, i) => ({ id: f.id, workspaceId: input.workspaceId, knowledgeBaseId: f.knowledgeBaseId, documentId: null, vector: vectors[i] })));
      // What the model left at another width (its width changed).
      await vectorIndex.delete(embedder.model, { workspaceId: input.workspaceId, ids: faqs.map((f) => f.id), otherWidthsThan: embedder.dimensions });
      for (const faq of faqs) {
        // Edited since it was read: it stays stale, and the next batch embeds its new text.
        await em.nativeUpdate(Faq, { id: faq.id, workspaceId: input.workspaceId, question: faq.question, answer: faq.answer }, { embeddingModel: embedder.model });
        if (faq.embeddingModel && faq.embeddingModel !== embedder.model) await vectorIndex.delete(faq.embeddingModel, { workspaceId: input.workspaceId, ids: [faq.id] });
      }
      return faqs.length;
    });
  }

  /**
   * The workspace's current embedding model and width (null: none) and up to `limit` INDEXED
   * documents whose vectors are of another (or of another width: the settings marked them unembedded).
   */
  async function staleDocumentEmbeddings(input: { workspaceId: string; limit: number }): Promise<{ model: string | null; dimensions?: number; documents: StaleDocument[] }> {
    const em = orm.em.fork() as EntityManager;
    const embedder = ctx.knowledge?.vectorIndex ? await embedderOf(em, input.workspaceId) : null;
    if (!embedder) return { model: null, documents: [] };
    const documents = await staleDocuments(em, { workspaceId: input.workspaceId, model: embedder.model, limit: input.limit });
    return {
      model: embedder.model,
      dimensions: embedder.dimensions,
      documents: documents.map((d) => ({ workspaceId: input.workspaceId, documentId: d.id, revision: d.revision, chunkCount: d.chunkCount, embeddingModel: d.embeddingModel ?? null })),
    };
  }

  /**
   * Marks a re-embedded document's vectors as `newModel`'s and removes those of the model before,
   * and the new model's at another width than `newDimensions`; false when the revision is no
   * longer the live one (re-indexed or deleted meanwhile).
   */
  async function finishDocumentEmbedding(input: StaleDocument & { newModel: string; newDimensions?: number }): Promise<boolean> {
    const em = orm.em.fork() as EntityManager;
    const updated = await em.nativeUpdate(Document, { ...current(input), status: 'INDEXED', indexedRevision: input.revision }, { embeddingModel: input.newModel, chunksDone: input.chunkCount });
    if (!updated) return false;
    const vectorIndex = ctx.knowledge?.vectorIndex;
    if (input.embeddingModel && input.embeddingModel !== input.newModel) {
      await vectorIndex?.delete(input.embeddingModel, { workspaceId: input.workspaceId, documentId: input.documentId });
    }
    if (input.newDimensions) {
      await vectorIndex?.delete(input.newModel, { workspaceId: input.workspaceId, documentId: input.documentId, otherWidthsThan: input.newDimensions });
    }
    await publish(em, documentUpdated(input));
    return true;
  }

  /** Removes a deleted FAQ's vector under each model it may have been embedded with. */
  async function removeFaqVectors(input: { workspaceId: string; faqId: string; embeddingModels: string[] }): Promise<void> {
    const vectorIndex = ctx.knowledge?.vectorIndex;
    if (!vectorIndex) return;
    const embedder = await embedderOf(orm.em.fork() as EntityManager, input.workspaceId);
    const models = new Set([...input.embeddingModels, ...(embedder ? [embedder.model] : [])]);
    for (const model of models) await vectorIndex.delete(model, { workspaceId: input.workspaceId, ids: [input.faqId] });
  }

  return { embedStaleFaqs, staleDocumentEmbeddings, finishDocumentEmbedding, removeFaqVectors };
}

export type EmbeddingActivities = ReturnType<typeof createEmbeddingActivities>;
