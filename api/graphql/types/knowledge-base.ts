import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { notFound, validate } from '../errors';
import { KnowledgeBase } from '../../../schema/entities/knowledge-base.entity';
import { Document } from '../../../schema/entities/document.entity';
import { Faq } from '../../../schema/entities/faq.entity';
import { startDocumentRemoval } from '../../../workflows/document-ingestion.client';
import { startFaqRemoval } from '../../../workflows/workspace-embeddings.client';
import { DocumentType } from './document';
import { FaqType } from './faq';

/** A named collection of documents and FAQs, workspace-scoped. */
export const KnowledgeBaseType = builder.objectRef<KnowledgeBase>('KnowledgeBase').implement({
  description: 'Documents and FAQs the bot answers from.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    documents: t.field({
      type: [DocumentType],
      description: 'Newest first.',
      resolve: (kb, _args, ctx) => ctx.orm.em.fork().find(Document, { workspaceId: kb.workspaceId, knowledgeBaseId: kb.id }, { orderBy: { createdAt: 'desc', id: 'asc' } }),
    }),
    faqs: t.field({
      type: [FaqType],
      description: 'Oldest first.',
      resolve: (kb, _args, ctx) => ctx.orm.em.fork().find(Faq, { workspaceId: kb.workspaceId, knowledgeBaseId: kb.id }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
    }),
  }),
});

const uuid = z.string().uuid();
const nameSchema = z.object({ name: z.string().trim().min(1, 'is required').max(200, 'is longer than 200 characters') });

/** The workspace's knowledge base by id; NOT_FOUND for another workspace's or a malformed id. */
export async function findKnowledgeBase(em: EntityManager, workspaceId: string, id: string): Promise<KnowledgeBase> {
  const kb = uuid.safeParse(id).success ? await em.findOne(KnowledgeBase, { id, workspaceId }) : null;
  if (!kb) throw notFound('knowledge base');
  return kb;
}

builder.queryField('knowledgeBases', (t) =>
  t.field({
    type: [KnowledgeBaseType],
    description: "The workspace's knowledge bases, oldest first.",
    resolve: (_root, _args, ctx) => ctx.orm.em.fork().find(KnowledgeBase, { workspaceId: requireAuth(ctx).workspaceId }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
  }),
);

builder.queryField('knowledgeBase', (t) =>
  t.field({
    type: KnowledgeBaseType,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => findKnowledgeBase(ctx.orm.em.fork(), requireAuth(ctx).workspaceId, String(args.id)),
  }),
);

const CreateKnowledgeBaseInput = builder.inputType('CreateKnowledgeBaseInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

builder.mutationField('createKnowledgeBase', (t) =>
  t.field({
    type: KnowledgeBaseType,
    args: { input: t.arg({ type: CreateKnowledgeBaseInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const { name } = validate(nameSchema, args.input);
      const em = ctx.orm.em.fork();
      const kb = em.create(KnowledgeBase, { id: randomUUID(), workspaceId, name });
      await em.flush();
      return kb;
    },
  }),
);

builder.mutationField('renameKnowledgeBase', (t) =>
  t.field({
    type: KnowledgeBaseType,
    args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const { name } = validate(nameSchema, { name: args.name });
      const em = ctx.orm.em.fork();
      const kb = await findKnowledgeBase(em, workspaceId, String(args.id));
      kb.name = name;
      await em.flush();
      return kb;
    },
  }),
);

builder.mutationField('deleteKnowledgeBase', (t) =>
  t.field({
    type: 'Boolean',
    description: 'Deletes the knowledge base with its documents (their chunks and vectors) and FAQs.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const kb = await findKnowledgeBase(em, workspaceId, String(args.id));
      const documents = await em.find(Document, { workspaceId, knowledgeBaseId: kb.id }, { fields: ['id', 'workspaceId', 'embeddingModel'] });
      const faqs = await em.find(Faq, { workspaceId, knowledgeBaseId: kb.id }, { fields: ['id', 'workspaceId', 'embeddingModel'] });
      await em.nativeDelete(KnowledgeBase, { id: kb.id, workspaceId });
      for (const document of documents) await startDocumentRemoval(ctx.temporal, ctx.config.taskQueue, document);
      for (const faq of faqs) await startFaqRemoval(ctx.temporal, ctx.config.taskQueue, { workspaceId, id: faq.id, embeddingModel: faq.embeddingModel ?? null });
      return true;
    },
  }),
);
