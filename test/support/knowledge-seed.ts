/**
 * Knowledge seeded straight through the entities, for the retrieval suites: a workspace, a
 * knowledge base, INDEXED documents whose chunks are the given passages, FAQs, and their vectors.
 * (Ingestion itself, extraction and chunking, has its own suites.)
 */
import { randomUUID } from 'node:crypto';
import { createOrm, migrate, type Orm } from '../../schema/orm';
import { Workspace } from '../../schema/entities/workspace.entity';
import { KnowledgeBase } from '../../schema/entities/knowledge-base.entity';
import { Document } from '../../schema/entities/document.entity';
import { Chunk } from '../../schema/entities/chunk.entity';
import { Faq } from '../../schema/entities/faq.entity';
import type { Embedder, VectorIndex } from '../../activities/knowledge/ports';
import { createTestDatabase } from './platform';

/** A migrated database of its own. */
export async function knowledgeTestOrm(): Promise<Orm> {
  const orm = await createOrm(await createTestDatabase());
  await migrate(orm);
  return orm;
}

/** One passage of a seeded document. */
export interface SeedPassage {
  /** The fixture's own key, to map results back. */
  key: string;
  document: string;
  text: string;
}

/** What seedKnowledgeBase created: ids by fixture key. */
export interface SeededKnowledge {
  workspaceId: string;
  knowledgeBaseId: string;
  chunkIds: Map<string, string>;
  documentIds: Map<string, string>;
  faqIds: Map<string, string>;
}

/**
 * A knowledge base in `workspaceId` (created when not given) with one INDEXED document per distinct
 * `document` name, a chunk per passage, the FAQs, and, with an embedder, their vectors.
 */
export async function seedKnowledgeBase(
  orm: Orm,
  options: { workspaceId?: string; passages: SeedPassage[]; faqs?: Array<{ key: string; question: string; answer: string }>; embedder?: Embedder | null; vectorIndex?: VectorIndex },
): Promise<SeededKnowledge> {
  const em = orm.em.fork();
  const seeded = await em.transactional(async (tx) => {
    const workspaceId = options.workspaceId ?? tx.create(Workspace, { id: randomUUID(), name: `retrieval ${randomUUID().slice(0, 6)}` }).id;
    const knowledgeBaseId = tx.create(KnowledgeBase, { id: randomUUID(), workspaceId, name: 'Policies' }).id;
    const documentIds = new Map<string, string>();
    const chunkIds = new Map<string, string>();
    const ordinals = new Map<string, number>();
    for (const passage of options.passages) {
      if (!documentIds.has(passage.document)) {
        const doc = tx.create(Document, {
          id: randomUUID(), workspaceId, knowledgeBaseId, name: passage.document, source: 'TEXT', status: 'INDEXED',
          revision: 1, indexedRevision: 1, embeddingModel: options.embedder?.model ?? null,
        });
        documentIds.set(passage.document, doc.id);
      }
      const ordinal = ordinals.get(passage.document) ?? 0;
      ordinals.set(passage.document, ordinal + 1);
      const chunk = tx.create(Chunk, {
        id: randomUUID(), workspaceId, knowledgeBaseId, documentId: documentIds.get(passage.document)!, revision: 1, ordinal,
        heading: null, text: passage.text, tokenCount: passage.text.split(/\s+/).length,
      });
      chunkIds.set(passage.key, chunk.id);
    }
    const faqIds = new Map<string, string>();
    for (const faq of options.faqs ?? []) {
      faqIds.set(faq.key, tx.create(Faq, { id: randomUUID(), workspaceId, knowledgeBaseId, question: faq.question, answer: faq.answer, embeddingModel: options.embedder?.model ?? null }).id);
    }
    return { workspaceId, knowledgeBaseId, chunkIds, documentIds, faqIds };
  });
  if (options.embedder && options.vectorIndex) {
    const chunkTexts = options.passages.map((p) => p.text);
    const faqTexts = (options.faqs ?? []).map((f) => `${f.question}\n${f.answer}`);
    const vectors = await options.embedder.embed([...chunkTexts, ...faqTexts]);
    await options.vectorIndex.upsert(options.embedder.model, [
      ...options.passages.map((p, i) => ({
        id: seeded.chunkIds.get(p.key)!, workspaceId: seeded.workspaceId, knowledgeBaseId: seeded.knowledgeBaseId,
        documentId: seeded.documentIds.get(p.document)!, vector: vectors[i],
      })),
      ...(options.faqs ?? []).map((f, i) => ({
        id: seeded.faqIds.get(f.key)!, workspaceId: seeded.workspaceId, knowledgeBaseId: seeded.knowledgeBaseId,
        documentId: null, vector: vectors[chunkTexts.length + i],
      })),
    ]);
  }
  return seeded;
}
