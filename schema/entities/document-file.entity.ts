import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Document } from './document.entity';

/**
 * An uploaded document's bytes (Document.fileKey), kept in Postgres so every worker replica can
 * read them for a (re-)index; at most KNOWLEDGE_MAX_UPLOAD_BYTES each.
 */
export const DocumentFile = defineEntity({
  name: 'DocumentFile',
  tableName: 'document_files',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    /** Deleted with its document. */
    documentId: p.manyToOne(Document).mapToPk().fieldName('document_id').deleteRule('cascade').unique(),
    bytes: p.blob(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type DocumentFile = InferEntity<typeof DocumentFile>;
