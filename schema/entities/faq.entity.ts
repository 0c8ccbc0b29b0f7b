import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { KnowledgeBase } from './knowledge-base.entity';
import { TEXT_SEARCH_CONFIG } from './chunk.entity';

/** A question and its answer, retrievable like a chunk. */
export const Faq = defineEntity({
  name: 'Faq',
  tableName: 'faqs',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    knowledgeBaseId: p.manyToOne(KnowledgeBase).mapToPk().fieldName('knowledge_base_id').deleteRule('cascade'),
    question: p.text(),
    answer: p.text(),
    /** Full-text search over question and answer, kept by Postgres. */
    search: p
      .type('tsvector')
      .columnType('tsvector')
      .generated(`(to_tsvector('${TEXT_SEARCH_CONFIG}', question || ' ' || answer)) stored`)
      .lazy()
      .nullable(),
    /** The embedding model of its vector; null: not embedded (full-text only). */
    embeddingModel: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()').onUpdate(() => new Date()),
  },
  indexes: [
    { name: 'faqs_search', properties: ['search'], type: 'fulltext' },
    { name: 'faqs_workspace_knowledge_base', properties: ['workspaceId', 'knowledgeBaseId'] },
  ],
});
export type Faq = InferEntity<typeof Faq>;
