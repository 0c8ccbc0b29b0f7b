/** Segments (the Segment entity): saved contact filters, counted live; a broadcast audience can be one. */
import { z } from 'zod';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Segment } from '../../../schema/entities/segment.entity';
import { countContacts, prepareContactQuery } from '../../../schema/contacts/contact-query';
import { ContactFilterInput, checkedContactFilter } from './contact-filter-input';

/** A saved contact filter. */
export const SegmentType = builder.objectRef<Segment>('Segment').implement({
  description: 'A saved contact filter: its contacts are whoever matches it now (query contacts with its `filter`).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    filter: t.field({ type: 'JSON', description: 'The ContactFilterInput it was saved with.', resolve: (s) => s.filter }),
    count: t.int({
      description: 'How many contacts match it now.',
      resolve: async (s, _args, ctx) => {
        const em = ctx.orm.em.fork();
        const { query } = await prepareContactQuery(em, s.workspaceId, s.filter, false);
        return countContacts(em, query);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateSegmentInput = builder.inputType('CreateSegmentInput', {
  fields: (t) => ({ name: t.string({ required: true }), filter: t.field({ type: ContactFilterInput, required: true }) }),
});
const UpdateSegmentInput = builder.inputType('UpdateSegmentInput', {
  description: 'Fields left out keep their value; a filter given replaces the saved one.',
  fields: (t) => ({ name: t.string(), filter: t.field({ type: ContactFilterInput }) }),
});

const name = z.string().trim().min(1, 'must not be empty').max(100, 'is longer than 100 characters');

builder.queryField('segments', (t) =>
  t.field({
    type: [SegmentType],
    description: "The workspace's segments, by name.",
    resolve: (_root, _args, ctx) => ctx.orm.em.fork().find(Segment, { workspaceId: requireAuth(ctx).workspaceId }, { orderBy: { name: 'asc' } }),
  }),
);

builder.queryField('segment', (t) =>
  t.field({
    type: SegmentType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const id = String(args.id);
      return z.string().uuid().safeParse(id).success ? ctx.orm.em.fork().findOne(Segment, { id, workspaceId }) : null;
    },
  }),
);

builder.mutationField('createSegment', (t) =>
  t.field({
    type: SegmentType,
    description: 'OWNER / ADMIN / AGENT: saves a contact filter under a name (unique in the workspace, any case).',
    args: { input: t.arg({ type: CreateSegmentInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(z.object({ name }), { name: args.input.name });
      const em = ctx.orm.em.fork();
      const { filter } = await checkedContactFilter(em, workspaceId, args.input.filter);
      const now = new Date();
      const segment = em.create(Segment, { id: crypto.randomUUID(), workspaceId, name: input.name, filter, createdAt: now, updatedAt: now });
      await flushUniqueName(em, input.name);
      return segment;
    },
  }),
);

builder.mutationField('updateSegment', (t) =>
  t.field({
    type: SegmentType,
    description: 'OWNER / ADMIN / AGENT: renames a segment or replaces its filter.',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSegmentInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(z.object({ name: name.nullish() }), { name: args.input.name });
      const em = ctx.orm.em.fork();
      const segment = await findSegment(em, workspaceId, String(args.id));
      if (input.name) segment.name = input.name;
      if (args.input.filter) segment.filter = (await checkedContactFilter(em, workspaceId, args.input.filter)).filter;
      await flushUniqueName(em, segment.name);
      return segment;
    },
  }),
);

builder.mutationField('deleteSegment', (t) =>
  t.field({
    type: 'Boolean',
    description: 'OWNER / ADMIN / AGENT: deletes a segment (its contacts stay).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const em = ctx.orm.em.fork();
      const segment = await findSegment(em, workspaceId, String(args.id));
      await em.nativeDelete(Segment, { id: segment.id, workspaceId });
      return true;
    },
  }),
);

/** A segment of the workspace, or NOT_FOUND (also for another workspace's id). */
export async function findSegment(em: EntityManager, workspaceId: string, id: string): Promise<Segment> {
  const segment = z.string().uuid().safeParse(id).success ? await em.findOne(Segment, { id, workspaceId }) : null;
  if (!segment) throw notFound('segment');
  return segment;
}

async function flushUniqueName(em: EntityManager, segmentName: string): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw badInput(`name: a segment named "${segmentName}" exists`, 'name');
    throw err;
  }
}
