import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { notFound, validate } from '../errors';
import { Faq } from '../../../schema/entities/faq.entity';
import { findKnowledgeBase } from './knowledge-base';
import { requestWorkspaceEmbeddings, startFaqRemoval } from '../../../workflows/workspace-embeddings.client';

/** A question and its answer in a knowledge base, retrieved like a document's passage. */
export const FaqType = builder.objectRef<Faq>('Faq').implement({
  description: 'A question and its answer, retrieved like a passage of a document.',
  fields: (t) => ({
    id: t.exposeID('id'),
    knowledgeBaseId: t.exposeID('knowledgeBaseId'),
    question: t.exposeString('question'),
    answer: t.exposeString('answer'),
    embeddingModel: t.exposeString('embeddingModel', { nullable: true, description: 'The model of its vector; null: not embedded yet (or embeddings are off), found by full-text only.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const question = z.string().trim().min(1, 'is required').max(1000, 'is longer than 1000 characters');
const answer = z.string().trim().min(1, 'is required').max(4000, 'is longer than 4000 characters');
const createSchema = z.object({ knowledgeBaseId: z.string(), question, answer });
const updateSchema = z.object({ question: question.nullish(), answer: answer.nullish() });
const uuid = z.string().uuid();

const CreateFaqInput = builder.inputType('CreateFaqInput', {
  fields: (t) => ({ knowledgeBaseId: t.id({ required: true }), question: t.string({ required: true }), answer: t.string({ required: true }) }),
});
const UpdateFaqInput = builder.inputType('UpdateFaqInput', {
  description: 'Fields left out (or null) keep their value.',
  fields: (t) => ({ question: t.string(), answer: t.string() }),
});

builder.mutationField('createFaq', (t) =>
  t.field({
    type: FaqType,
    args: { input: t.arg({ type: CreateFaqInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(createSchema, { ...args.input, knowledgeBaseId: String(args.input.knowledgeBaseId) });
      const em = ctx.orm.em.fork();
      const kb = await findKnowledgeBase(em, workspaceId, input.knowledgeBaseId);
      const faq = em.create(Faq, { id: randomUUID(), workspaceId, knowledgeBaseId: kb.id, question: input.question, answer: input.answer, embeddingModel: null });
      await em.flush();
      // Its vector is made by the workspace's embeddings workflow (durable: a restart loses nothing).
      await requestWorkspaceEmbeddings(ctx.temporal, ctx.config.taskQueue, workspaceId);
      return faq;
    },
  }),
);

builder.mutationField('updateFaq', (t) =>
  t.field({
    type: FaqType,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateFaqInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(updateSchema, args.input);
      const em = ctx.orm.em.fork();
      const id = String(args.id);
      const faq = uuid.safeParse(id).success ? await em.findOne(Faq, { id, workspaceId }) : null;
      if (!faq) throw notFound('FAQ');
      const changed = (input.question && input.question !== faq.question) || (input.answer && input.answer !== faq.answer);
      if (input.question) faq.question = input.question;
      if (input.answer) faq.answer = input.answer;
      // A new text needs a new vector: stale until the embeddings workflow makes it.
      if (changed) faq.embeddingModel = null;
      await em.flush();
      if (changed) await requestWorkspaceEmbeddings(ctx.temporal, ctx.config.taskQueue, workspaceId);
      return faq;
    },
  }),
);

builder.mutationField('deleteFaq', (t) =>
  t.field({
    type: 'Boolean',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const id = String(args.id);
      const em = ctx.orm.em.fork();
      const faq = uuid.safeParse(id).success ? await em.findOne(Faq, { id, workspaceId }, { fields: ['id', 'workspaceId', 'embeddingModel'] }) : null;
      if (!faq || !(await em.nativeDelete(Faq, { id, workspaceId }))) throw notFound('FAQ');
      await startFaqRemoval(ctx.temporal, ctx.config.taskQueue, { workspaceId, id, embeddingModel: faq.embeddingModel ?? null });
      return true;
    },
  }),
);
