import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { notFound } from '../errors';
import { Document, DOCUMENT_SOURCES, DOCUMENT_STATUSES } from '../../../schema/entities/document.entity';
import { startDocumentIngestion, startDocumentRemoval } from '../../../workflows/document-ingestion.client';

export const DocumentStatusEnum = builder.enumType('DocumentStatus', { values: DOCUMENT_STATUSES });
export const DocumentSourceEnum = builder.enumType('DocumentSource', { values: DOCUMENT_SOURCES });

/** A document of a knowledge base with its ingestion's status and progress. */
export const DocumentType = builder.objectRef<Document>('Document').implement({
  description: 'A file, web page or pasted text in a knowledge base, with its indexing status.',
  fields: (t) => ({
    id: t.exposeID('id'),
    knowledgeBaseId: t.exposeID('knowledgeBaseId'),
    name: t.exposeString('name'),
    source: t.field({ type: DocumentSourceEnum, resolve: (d) => d.source }),
    status: t.field({ type: DocumentStatusEnum, resolve: (d) => d.status }),
    error: t.exposeString('error', { nullable: true, description: 'FAILED: why, in words the owner can act on.' }),
    mimeType: t.exposeString('mimeType', { nullable: true, description: 'Detected from the content.' }),
    sizeBytes: t.exposeInt('sizeBytes', { nullable: true }),
    url: t.exposeString('url', { nullable: true }),
    revision: t.exposeInt('revision', { description: 'Bumped by each re-index.' }),
    chunkCount: t.exposeInt('chunkCount'),
    chunksDone: t.exposeInt('chunksDone'),
    progress: t.float({ description: 'chunksDone / chunkCount while PROCESSING (0 before the chunks are known), 1 when INDEXED.', resolve: (d) => progressOf(d) }),
    embeddingModel: t.exposeString('embeddingModel', { nullable: true, description: 'The model of its vectors; null: full-text search only.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    indexedAt: t.expose('indexedAt', { type: 'DateTime', nullable: true }),
  }),
});

/** How far the document's current ingestion is, 0–1. */
export function progressOf(d: Pick<Document, 'status' | 'chunkCount' | 'chunksDone'>): number {
  if (d.status === 'INDEXED') return 1;
  return d.chunkCount > 0 ? Math.min(1, d.chunksDone / d.chunkCount) : 0;
}

const uuid = z.string().uuid();

/** The workspace's document by id (without its pasted text); null for another workspace's or a malformed id. */
export async function loadDocument(em: EntityManager, workspaceId: string, id: string): Promise<Document | null> {
  return uuid.safeParse(id).success ? em.findOne(Document, { id, workspaceId }) : null;
}

builder.queryField('document', (t) =>
  t.field({
    type: DocumentType,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const document = await loadDocument(ctx.orm.em.fork(), requireAuth(ctx).workspaceId, String(args.id));
      if (!document) throw notFound('document');
      return document;
    },
  }),
);

builder.mutationField('reindexDocument', (t) =>
  t.field({
    type: DocumentType,
    description: 'Indexes the document again as a new revision (a URL is fetched again); its current chunks answer until the new ones are in.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const document = await loadDocument(em, workspaceId, String(args.id));
      if (!document) throw notFound('document');
      const revision = document.revision + 1;
      // Conditional on the revision read: two re-indexes at once make one new revision, not a lost one.
      const bumped = await em.nativeUpdate(Document, { id: document.id, workspaceId, revision: document.revision }, { revision, status: 'PENDING', error: null, chunksDone: 0 });
      if (bumped) await startDocumentIngestion(ctx.temporal, ctx.config.taskQueue, { workspaceId, documentId: document.id, revision });
      return (await loadDocument(em.fork(), workspaceId, document.id)) ?? Promise.reject(notFound('document'));
    },
  }),
);

builder.mutationField('deleteDocument', (t) =>
  t.field({
    type: 'Boolean',
    description: 'Deletes the document with its chunks and vectors.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const document = await loadDocument(em, workspaceId, String(args.id));
      if (!document || !(await em.nativeDelete(Document, { id: document.id, workspaceId }))) throw notFound('document');
      // After the rows: an embedding step still running sees the document gone and removes what it wrote.
      await startDocumentRemoval(ctx.temporal, ctx.config.taskQueue, document);
      return true;
    },
  }),
);
