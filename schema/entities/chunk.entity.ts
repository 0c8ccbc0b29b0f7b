import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { KnowledgeBase } from './knowledge-base.entity';
import { Document } from './document.entity';

/**
 * The text-search configuration of chunks and FAQs. 'simple' (lower-cased words, no stemming, no
 * stop words): a workspace has no known language yet, and a language's stemmer would mangle
 * every other language's words.
 */
export const TEXT_SEARCH_CONFIG = 'simple';

/**
 * One passage of a document revision, in reading order (ordinal), with the heading it falls
 * under. Unique per (document, revision, ordinal), so a retried chunk step never duplicates.
 */
export const Chunk = defineEntity({
  name: 'Chunk',
  tableName: 'chunks',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    knowledgeBaseId: p.manyToOne(KnowledgeBase).mapToPk().fieldName('knowledge_base_id').deleteRule('cascade'),
    documentId: p.manyToOne(Document).mapToPk().fieldName('document_id').deleteRule('cascade'),
    revision: p.integer(),
    ordinal: p.integer(),
    heading: p.text().nullable(),
    text: p.text(),
    tokenCount: p.integer(),
    /** Full-text search over heading and text, kept by Postgres. */
    search: p
      .type('tsvector')
      .columnType('tsvector')
      .generated(`(to_tsvector('${TEXT_SEARCH_CONFIG}', coalesce(heading, '') || ' ' || text)) stored`)
      .lazy()
      .nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'chunks_document_revision_ordinal', properties: ['documentId', 'revision', 'ordinal'] }],
  indexes: [
    { name: 'chunks_search', properties: ['search'], type: 'fulltext' },
    { name: 'chunks_workspace_knowledge_base', properties: ['workspaceId', 'knowledgeBaseId'] },
  ],
});
export type Chunk = InferEntity<typeof Chunk>;
