import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, validate } from '../errors';
import { Document, type DocumentSource } from '../../../schema/entities/document.entity';
import { DocumentFile } from '../../../schema/entities/document-file.entity';
import { ACCEPTED_TYPES, DOCUMENT_TYPES, detectType } from '../../../activities/knowledge/extract/detect-type';
import { assertPublicUrl, UnsafeUrlError } from '../../../activities/knowledge/address-guard';
import type { KnowledgeLimits } from '../../../activities/config';
import { startDocumentIngestion } from '../../../workflows/document-ingestion.client';
import { DocumentType, loadDocument } from './document';
import { findKnowledgeBase } from './knowledge-base';

/** Pasted text, at most (a larger text is a file to upload). */
export const MAX_PASTED_TEXT_CHARS = 1_000_000;

const AddDocumentInput = builder.inputType('AddDocumentInput', {
  description: 'Exactly one of text, url or file.',
  fields: (t) => ({
    knowledgeBaseId: t.id({ required: true }),
    name: t.string({ required: true }),
    text: t.string({ description: 'Pasted text; Markdown headings are kept.' }),
    url: t.string({ description: 'An http(s) page; its main content is indexed (navigation and footer left out).' }),
    file: t.field({ type: 'File', description: 'PDF, DOCX, CSV, Markdown or plain text, up to KNOWLEDGE_MAX_UPLOAD_BYTES (25 MB); the type is read from the content.' }),
  }),
});

const inputSchema = z
  .object({
    knowledgeBaseId: z.string(),
    name: z.string().trim().min(1, 'is required').max(300, 'is longer than 300 characters'),
    text: z.string().trim().min(1, 'is empty').max(MAX_PASTED_TEXT_CHARS, `is longer than ${MAX_PASTED_TEXT_CHARS} characters: upload it as a file`).nullish(),
    url: z.string().trim().max(2048, 'is longer than 2048 characters').nullish(),
    file: z.custom<File>((value) => value instanceof Object, 'must be an uploaded file').nullish(),
  })
  .refine((input) => [input.text, input.url, input.file].filter((v) => v != null).length === 1, { message: 'give exactly one of text, url or file', path: ['text'] });

/** What a new document's row starts with, by its source. */
type NewSource = { source: DocumentSource; text?: string; url?: string; mimeType?: string; sizeBytes?: number; bytes?: Buffer };

builder.mutationField('addDocument', (t) =>
  t.field({
    type: DocumentType,
    description: 'Adds a document and starts indexing it (status PENDING → PROCESSING → INDEXED or FAILED, pushed by documentUpdated). A file is checked for size and type before anything is stored.',
    args: { input: t.arg({ type: AddDocumentInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(inputSchema, { ...args.input, knowledgeBaseId: String(args.input.knowledgeBaseId) });
      const em = ctx.orm.em.fork();
      const kb = await findKnowledgeBase(em, workspaceId, input.knowledgeBaseId);
      const source = input.file ? await fileSource(input.file, ctx.config.knowledge) : input.url ? await urlSource(input.url, ctx.config.knowledge) : textSource(input.text!);
      const id = randomUUID();
      await em.transactional(async (tx) => {
        // The document first: the file's row refers to it.
        tx.create(Document, {
          id,
          workspaceId,
          knowledgeBaseId: kb.id,
          name: input.name,
          source: source.source,
          text: source.text ?? null,
          url: source.url ?? null,
          mimeType: source.mimeType ?? null,
          sizeBytes: source.sizeBytes ?? null,
          fileKey: null,
        });
        await tx.flush();
        if (source.bytes) {
          const fileKey = randomUUID();
          tx.create(DocumentFile, { id: fileKey, workspaceId, documentId: id, bytes: source.bytes });
          await tx.flush();
          await tx.nativeUpdate(Document, { id, workspaceId }, { fileKey });
        }
      });
      await startDocumentIngestion(ctx.temporal, ctx.config.taskQueue, { workspaceId, documentId: id, revision: 1 });
      return (await loadDocument(em.fork(), workspaceId, id))!;
    },
  }),
);

/** An upload, refused (BAD_USER_INPUT on `file`) when too large or not a readable type. */
async function fileSource(file: File, limits: KnowledgeLimits): Promise<NewSource> {
  if (file.size > limits.maxUploadBytes) throw badInput(`file: larger than ${megabytes(limits.maxUploadBytes)} MB`, 'file');
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length === 0) throw badInput('file: is empty', 'file');
  const type = await detectType(bytes);
  if (!type) throw badInput(`file: the content is not a ${ACCEPTED_TYPES} document, whatever its name says`, 'file');
  return { source: 'FILE', bytes, mimeType: DOCUMENT_TYPES[type], sizeBytes: bytes.length };
}

/** A URL, refused (BAD_USER_INPUT on `url`) unless http(s) and on a public address (unless ALLOW_PRIVATE_URLS). */
async function urlSource(url: string, limits: KnowledgeLimits): Promise<NewSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput('url: is not a URL', 'url');
  }
  try {
    await assertPublicUrl(parsed, limits.allowPrivateUrls);
  } catch (err) {
    if (err instanceof UnsafeUrlError) throw badInput(`url: ${err.message}`, 'url');
    throw err;
  }
  return { source: 'URL', url: parsed.toString() };
}

function textSource(text: string): NewSource {
  return { source: 'TEXT', text, mimeType: DOCUMENT_TYPES.MARKDOWN, sizeBytes: Buffer.byteLength(text) };
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1);
}
