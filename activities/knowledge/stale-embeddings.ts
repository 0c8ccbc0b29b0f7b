/**
 * What a change of embedding model leaves to re-index: the indexed documents and the FAQs whose
 * vectors were made by another model (or by none). Vectors of two models never mix (a table per
 * model), so until re-indexed such a document is found by full-text only.
 */
import type { EntityManager } from '@mikro-orm/core';
import { Document } from '../../schema/entities/document.entity';
import { Faq } from '../../schema/entities/faq.entity';

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
