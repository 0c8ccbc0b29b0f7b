/**
 * What a change of embedding model leaves to re-index: the indexed documents and the FAQs whose
 * vectors were made by another model (or by none). Vectors of two models never mix (a table per
 * model), so until re-indexed such a document is found by full-text only.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Document } from '../../schema/entities/document.entity';
import { Faq } from '../../schema/entities/faq.entity';
import { execute, type Orm } from '../../schema/orm';

/** Ids to re-index (documents) and re-embed (FAQs) for `model`, oldest first, at most `limit` each. */
export async function staleEmbeddings(
  em: EntityManager,
  query: { model: string; workspaceId?: string; limit: number },
): Promise<{ documentIds: string[]; faqIds: string[] }> {
  const workspace = query.workspaceId ? { workspaceId: query.workspaceId } : {};
  const otherModel = { $or: [{ embeddingModel: null }, { embeddingModel: { $ne: query.model } }] };
  const [documents, faqs] = await Promise.all([
    em.find(Document, { ...workspace, status: 'INDEXED', ...otherModel }, { fields: ['id'], orderBy: { createdAt: 'asc' }, limit: query.limit }),
    em.find(Faq, { ...workspace, ...otherModel }, { fields: ['id'], orderBy: { createdAt: 'asc' }, limit: query.limit }),
  ]);
  return { documentIds: documents.map((d) => d.id), faqIds: faqs.map((f) => f.id) };
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
