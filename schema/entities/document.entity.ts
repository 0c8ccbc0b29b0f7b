import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { KnowledgeBase } from './knowledge-base.entity';

export const DOCUMENT_SOURCES = ['FILE', 'URL', 'TEXT'] as const;
export type DocumentSource = (typeof DOCUMENT_SOURCES)[number];
/** PENDING (stored, not started) → PROCESSING (extract, chunk, embed, index) → INDEXED | FAILED (error says why). */
export const DOCUMENT_STATUSES = ['PENDING', 'PROCESSING', 'INDEXED', 'FAILED'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/**
 * One source of knowledge: an uploaded file (its bytes in document_files), a page by URL or
 * pasted text. Each ingestion is a revision (documentIngestionWorkflow `ingest:<id>:<revision>`);
 * the chunks of the newest indexed revision are the ones retrieval reads.
 */
export const Document = defineEntity({
  name: 'Document',
  tableName: 'documents',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    knowledgeBaseId: p.manyToOne(KnowledgeBase).mapToPk().fieldName('knowledge_base_id').deleteRule('cascade'),
    name: p.text(),
    source: p.enum(DOCUMENT_SOURCES),
    /** Detected from the content (FILE), the response (URL) or text/plain (TEXT). */
    mimeType: p.text().nullable(),
    sizeBytes: p.integer().nullable(),
    url: p.text().nullable(),
    /** FILE: the id of its bytes in document_files. */
    fileKey: p.uuid().nullable(),
    /** TEXT: the pasted text (lazy: loaded only by ingestion). */
    text: p.text().nullable().lazy(),
    status: p.enum(DOCUMENT_STATUSES).default('PENDING'),
    /** FAILED: why, in words the owner can act on. */
    error: p.text().nullable(),
    /** Bumped by every (re-)index; chunks carry the revision they belong to. */
    revision: p.integer().default(1),
    /** The revision whose chunks are live (null until the first one is indexed). */
    indexedRevision: p.integer().nullable(),
    chunkCount: p.integer().default(0),
    chunksDone: p.integer().default(0),
    /** The embedding model of the live revision's vectors; null: full-text only. */
    embeddingModel: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()').onUpdate(() => new Date()),
    indexedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'documents_knowledge_base', properties: ['workspaceId', 'knowledgeBaseId', 'createdAt'] }],
});
export type Document = InferEntity<typeof Document>;
