/**
 * What a change of embedding model (or width) leaves to re-embed: the indexed documents and the
 * FAQs whose vectors were made by another model (or by none). Vectors of two models never mix (a
 * table per model and width), so until re-embedded such a document is found by full-text only.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Document } from '../../schema/entities/document.entity';
import { Faq } from '../../schema/entities/faq.entity';
import { execute, type Orm } from '../../schema/orm';

interface StaleQuery {
  workspaceId: string;
  /** The workspace's embedding model now. */
  model: string;
  limit: number;
}

/** Vectors of another model, or none (a width change marks its rows so too). */
const notEmbeddedBy = (model: string) => ({ $or: [{ embeddingModel: null }, { embeddingModel: { $ne: model } }] });

/** The workspace's indexed documents to re-embed with `model`, oldest first (a FAILED one waits for its owner's retry). */
export function staleDocuments(em: EntityManager, query: StaleQuery) {
  return em.find(
    Document,
    { workspaceId: query.workspaceId, status: 'INDEXED', ...notEmbeddedBy(query.model) },
    { fields: ['id', 'revision', 'chunkCount', 'embeddingModel'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: query.limit },
  );
}

/** The workspace's FAQs to embed with `model` (new, edited, or of another model), oldest first. */
export function staleFaqs(em: EntityManager, query: StaleQuery) {
  return em.find(
    Faq,
    { workspaceId: query.workspaceId, ...notEmbeddedBy(query.model) },
    { fields: ['id', 'knowledgeBaseId', 'question', 'answer', 'embeddingModel'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: query.limit },
  );
}

/**
 * Workspaces on the platform's default embedder (no endpoint of their own) with an indexed document
 * or a FAQ that `model` did not embed: indexed while EMBEDDINGS was off, or by a default model
 * before this one. Nothing in the workspace changed, so nothing else starts their re-embedding.
 */
export async function workspacesBehindDefaultModel(orm: Orm, model: string): Promise<string[]> {
  const rows = await execute<{ workspace_id: string }[]>(
    orm,
    `select behind.workspace_id from (
       select workspace_id from documents where status = 'INDEXED' and embedding_model is distinct from ?
       union
       select workspace_id from faqs where embedding_model is distinct from ?
     ) behind
     where not exists (
       select 1 from ai_settings s where s.workspace_id = behind.workspace_id and s.embeddings is not null and s.embeddings <> 'null'::jsonb
     )
     order by behind.workspace_id`,
    [model, model],
  );
  return rows.map((r) => r.workspace_id);
}
