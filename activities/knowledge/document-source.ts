import type { EntityManager } from '@mikro-orm/postgresql';
import type { KnowledgeLimits } from '../config';
import { DocumentFile } from '../../schema/entities/document-file.entity';
import type { Document } from '../../schema/entities/document.entity';
import { fetchUrl } from './fetch-url';
import { detectType, ACCEPTED_TYPES, DOCUMENT_TYPES, type DocumentType } from './extract/detect-type';
import { ExtractionError } from './extract/blocks';

/** A document's bytes and what they are, ready to extract. */
export interface DocumentSource {
  bytes: Buffer;
  type: DocumentType;
  mimeType: string;
  size: number;
}

/** Reads a document's content: the stored upload, the page at its URL (fetched now), or its pasted text. */
export async function documentSource(em: EntityManager, document: Document, limits: KnowledgeLimits): Promise<DocumentSource> {
  if (document.source === 'TEXT') {
    const bytes = Buffer.from(document.text ?? '', 'utf8');
    return { bytes, type: 'MARKDOWN', mimeType: 'text/markdown', size: bytes.length };
  }
  let bytes: Buffer;
  let declared: string | null = null;
  if (document.source === 'FILE') {
    const file = await em.findOne(DocumentFile, { documentId: document.id, workspaceId: document.workspaceId });
    if (!file) throw new ExtractionError('the uploaded file is missing');
    bytes = Buffer.from(file.bytes);
  } else {
    const page = await fetchUrl(document.url!, { maxBytes: limits.maxUploadBytes, timeoutMs: limits.urlFetchTimeoutMs, allowPrivate: limits.allowPrivateUrls });
    bytes = page.bytes;
    declared = page.contentType;
  }
  // A server's text/html is HTML even without a doctype; anything else is known by its bytes.
  const type = declared === 'text/html' ? 'HTML' : await detectType(bytes);
  if (!type) throw new ExtractionError(`the content is not a ${ACCEPTED_TYPES} document`);
  return { bytes, type, mimeType: DOCUMENT_TYPES[type], size: bytes.length };
}
