/**
 * The documentIngestionWorkflow's activities: each step writes its result to the document's row
 * (status, progress, error) and notifies `documentUpdated`. Every step is idempotent per
 * (document, revision): a retry, or a worker killed mid-step, never duplicates a chunk or a
 * vector, and a step of a superseded revision (re-indexed or deleted since) stops.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityContext } from '../context';
import { publish } from '../events';
import { afterChunksStoredFault } from '../test-faults';
import { Document } from '../../schema/entities/document.entity';
import { Chunk } from '../../schema/entities/chunk.entity';
import { documentSource } from './document-source';
import { extract } from './extract/extract';
import { ExtractionError } from './extract/blocks';
import { UnsafeUrlError } from './address-guard';
import { chunk } from './chunk';
import { heartbeating } from './heartbeating';
import { activityEmbedderOf } from './workspace-embedder';
import type { VectorIndex } from './ports';

/** Failure types the workflow tells apart. */
export const DOCUMENT_UNREADABLE = 'DocumentUnreadable';
export const REVISION_SUPERSEDED = 'RevisionSuperseded';
/** The workspace's embedding model changed while a step embedded with the old one. */
export const EMBEDDING_MODEL_CHANGED = 'EmbeddingModelChanged';

/** How many chunks one embedding activity sends through the embedder. */
export const EMBED_BATCH_SIZE = 64;

/** Which document revision an ingestion step works on. */
export interface RevisionRef {
  workspaceId: string;
  documentId: string;
  revision: number;
}

export interface StoredChunks {
  chunkCount: number;
  /** The embedder's model when vectors are to be made; null: full-text only. */
  embeddingModel: string | null;
  /** Its width (absent in ingestions recorded before widths were checked). */
  embeddingDimensions?: number | null;
}

export function createKnowledgeActivities(ctx: ActivityContext) {
  const { orm } = ctx;
  const knowledge: { vectorIndex: VectorIndex | null } = ctx.knowledge ?? { vectorIndex: null };
  /** The workspace's embedder (its endpoint, else the default); null without a vector index too. */
  const embedderOf = activityEmbedderOf(ctx);

  /** Marks the revision PROCESSING; false when it is no longer the document's newest (re-indexed or deleted). */
  async function startDocumentIngestion(ref: RevisionRef): Promise<boolean> {
    const em = orm.em.fork();
    const updated = await em.nativeUpdate(Document, current(ref), { status: 'PROCESSING', error: null, chunksDone: 0 });
    if (updated) await publish(em, documentUpdated(ref));
    return updated > 0;
  }

  /**
   * Reads the document, extracts its text and stores the revision's chunks, replacing whatever
   * an earlier attempt of the same revision stored (in one transaction). Unreadable content
   * fails at once with a readable message (DOCUMENT_UNREADABLE).
   */
  async function storeDocumentChunks(ref: RevisionRef): Promise<StoredChunks> {
    return heartbeating(async () => {
      const em = orm.em.fork() as EntityManager;
      const document = await em.findOne(Document, current(ref), { populate: ['text'] });
      if (!document) throw superseded(ref);
      let chunks;
      let source;
      try {
        source = await documentSource(em, document, ctx.config.knowledge);
        chunks = chunk(await extract(source.bytes, source.type));
      } catch (err) {
        if (err instanceof ExtractionError || err instanceof UnsafeUrlError) throw ApplicationFailure.nonRetryable(err.message, DOCUMENT_UNREADABLE);
        throw err;
      }
      if (chunks.length === 0) throw ApplicationFailure.nonRetryable('the document has no text', DOCUMENT_UNREADABLE);
      const embedder = await embedderOf(em, ref.workspaceId);
      const embeddingModel = embedder?.model ?? null;
      await em.transactional(async (tx) => {
        await tx.nativeDelete(Chunk, { documentId: ref.documentId, revision: ref.revision });
        chunks.forEach((c, ordinal) =>
          tx.create(Chunk, { id: randomUUID(), workspaceId: ref.workspaceId, knowledgeBaseId: document.knowledgeBaseId, documentId: ref.documentId, revision: ref.revision, ordinal, heading: c.heading, text: c.text, tokenCount: c.tokenCount }),
        );
        await tx.nativeUpdate(Document, current(ref), {
          chunkCount: chunks.length,
          chunksDone: embeddingModel ? 0 : chunks.length,
          mimeType: source.mimeType,
          sizeBytes: source.size,
        });
      });
      await publish(em, documentUpdated(ref));
      afterChunksStoredFault(ctx.config.testFaults);
      return { chunkCount: chunks.length, embeddingModel, embeddingDimensions: embedder?.dimensions ?? null };
    });
  }

  /**
   * Embeds the next batch of the revision's chunks (ordinal > afterOrdinal) and upserts their
   * vectors; returns the batch's last ordinal, or null when none was left. Vectors are keyed by
   * chunk id, so a repeated batch overwrites its own. The workspace's embedder no longer being
   * `embeddingModel` at `embeddingDimensions` fails it (EMBEDDING_MODEL_CHANGED, with the new
   * model and width): the batches before would be at another width, in another table.
   */
  async function embedDocumentChunks(input: RevisionRef & { afterOrdinal: number; embeddingModel: string; embeddingDimensions?: number | null }): Promise<number | null> {
    return heartbeating(async () => {
      const em = orm.em.fork() as EntityManager;
      const { vectorIndex } = knowledge;
      const embedder = await embedderOf(em, input.workspaceId);
      if (!embedder || !vectorIndex) throw ApplicationFailure.nonRetryable('embeddings were turned off during indexing: index the document again', DOCUMENT_UNREADABLE);
      if (embedder.model !== input.embeddingModel || (input.embeddingDimensions != null && embedder.dimensions !== input.embeddingDimensions)) {
        throw ApplicationFailure.nonRetryable(`the embedding model changed to ${embedder.model} (${embedder.dimensions} dimensions) during indexing: index the document again`, EMBEDDING_MODEL_CHANGED, embedder.model, embedder.dimensions);
      }
      const document = await em.findOne(Document, current(input), { fields: ['knowledgeBaseId'] });
      if (!document) throw superseded(input);
      const batch = await em.find(Chunk, { documentId: input.documentId, revision: input.revision, ordinal: { $gt: input.afterOrdinal } }, { orderBy: { ordinal: 'asc' }, limit: EMBED_BATCH_SIZE, fields: ['id', 'ordinal', 'heading', 'text'] });
      if (batch.length === 0) return null;
      const vectors = await embedder.embed(batch.map((c) => (c.heading ? `${c.heading}\n${c.text}` : c.text)));
      await vectorIndex.upsert(embedder.model, batch.map((c, i) => ({ id: c.id, workspaceId: input.workspaceId, knowledgeBaseId: document.knowledgeBaseId, documentId: input.documentId, vector: vectors[i] })));
      const last = batch[batch.length - 1].ordinal;
      // Deleted or re-indexed while embedding: what was just written must not outlive it.
      if (!(await em.nativeUpdate(Document, current(input), { chunksDone: last + 1 }))) {
        await vectorIndex.delete(embedder.model, { workspaceId: input.workspaceId, ids: batch.map((c) => c.id) });
        throw superseded(input);
      }
      await publish(em, documentUpdated(input));
      return last;
    });
  }

  /**
   * Makes the revision the live one: INDEXED, and the chunks and vectors of every other revision
   * removed, and the document's vectors at another width of its model (a width change mid-way).
   */
  async function finishDocumentIngestion(input: RevisionRef & StoredChunks): Promise<boolean> {
    const em = orm.em.fork();
    const stale = await staleChunkIds(em, input);
    if (stale.length && knowledge.vectorIndex) {
      const models = await oldModels(em, input, input.embeddingModel);
      for (const model of models) await knowledge.vectorIndex.delete(model, { workspaceId: input.workspaceId, ids: stale });
    }
    if (knowledge.vectorIndex && input.embeddingModel && input.embeddingDimensions) {
      await knowledge.vectorIndex.delete(input.embeddingModel, { workspaceId: input.workspaceId, documentId: input.documentId, otherWidthsThan: input.embeddingDimensions });
    }
    const finished = await em.transactional(async (tx) => {
      const updated = await tx.nativeUpdate(Document, current(input), {
        status: 'INDEXED',
        error: null,
        chunksDone: input.chunkCount,
        indexedRevision: input.revision,
        embeddingModel: input.embeddingModel,
        indexedAt: new Date(),
      });
      if (updated) await tx.nativeDelete(Chunk, { documentId: input.documentId, revision: { $ne: input.revision } });
      return updated > 0;
    });
    if (finished) await publish(em, documentUpdated(input));
    return finished;
  }

  /** FAILED with the reason; this revision's partial chunks (and vectors) go, the last indexed revision's stay live. */
  async function failDocumentIngestion(input: RevisionRef & { error: string; embeddingModel: string | null }): Promise<void> {
    const em = orm.em.fork();
    const partial = (await em.find(Chunk, { documentId: input.documentId, revision: input.revision }, { fields: ['id'] })).map((c) => c.id);
    if (partial.length && knowledge.vectorIndex && input.embeddingModel) await knowledge.vectorIndex.delete(input.embeddingModel, { workspaceId: input.workspaceId, ids: partial });
    const failed = await em.transactional(async (tx) => {
      const updated = await tx.nativeUpdate(Document, current(input), { status: 'FAILED', error: input.error.slice(0, 2000) });
      if (updated) await tx.nativeDelete(Chunk, { documentId: input.documentId, revision: input.revision });
      return updated > 0;
    });
    if (failed) await publish(em, documentUpdated(input));
  }

  /** Removes a deleted document's vectors under each model it may have been embedded with. */
  async function removeDocumentVectors(input: { workspaceId: string; documentId: string; embeddingModels: string[] }): Promise<void> {
    const { vectorIndex } = knowledge;
    if (!vectorIndex) return;
    const embedder = await embedderOf(orm.em.fork() as EntityManager, input.workspaceId);
    const models = new Set([...input.embeddingModels, ...(embedder ? [embedder.model] : [])]);
    for (const model of models) await vectorIndex.delete(model, { workspaceId: input.workspaceId, documentId: input.documentId });
  }

  return { startDocumentIngestion, storeDocumentChunks, embedDocumentChunks, finishDocumentIngestion, failDocumentIngestion, removeDocumentVectors };
}

export type KnowledgeActivities = ReturnType<typeof createKnowledgeActivities>;

/** The document while this revision is its newest. */
export function current(ref: RevisionRef) {
  return { id: ref.documentId, workspaceId: ref.workspaceId, revision: ref.revision };
}

export function documentUpdated(ref: RevisionRef) {
  return { type: 'documentUpdated', workspaceId: ref.workspaceId, documentId: ref.documentId } as const;
}

function superseded(ref: RevisionRef): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`revision ${ref.revision} of document ${ref.documentId} was re-indexed or deleted`, REVISION_SUPERSEDED);
}

async function staleChunkIds(em: EntityManager, ref: RevisionRef): Promise<string[]> {
  return (await em.find(Chunk, { documentId: ref.documentId, workspaceId: ref.workspaceId, revision: { $ne: ref.revision } }, { fields: ['id'] })).map((c) => c.id);
}

/** The models the document's live vectors were made with, and this revision's. */
async function oldModels(em: EntityManager, ref: RevisionRef, model: string | null): Promise<string[]> {
  const document = await em.findOne(Document, { id: ref.documentId, workspaceId: ref.workspaceId }, { fields: ['embeddingModel'] });
  return [...new Set([document?.embeddingModel, model].filter((m): m is string => !!m))];
}
