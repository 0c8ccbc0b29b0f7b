/** Labels (the Label entity): a workspace's labels with colours, put on and taken off contacts in bulk. */
import { z } from 'zod';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, MANAGERS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Label } from '../../../schema/entities/label.entity';
import { startLabelFlows } from '../../../activities/flows/start-label-flows';

/** A workspace label. */
export const LabelType = builder.objectRef<Label>('Label').implement({
  description: 'A label for contacts, with a colour ("#rrggbb"); names are unique in a workspace, whatever their case.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    color: t.exposeString('color'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    contactCount: t.int({
      description: 'How many contacts have it.',
      resolve: async (label, _args, ctx) => {
        const [row] = await ctx.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from contact_labels where label_id = ? and workspace_id = ?', [label.id, label.workspaceId]);
        return row.n;
      },
    }),
  }),
});

const name = z.string().trim().min(1, 'must not be empty').max(50, 'is longer than 50 characters');
const color = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f8a70')
  .transform((c) => c.toLowerCase());
const uuid = z.string().uuid('is not a valid id');
/** A bulk change from the contacts table touches at most this many contacts per call. */
export const MAX_BULK_CONTACTS = 10_000;

const CreateLabelInput = builder.inputType('CreateLabelInput', {
  fields: (t) => ({ name: t.string({ required: true }), color: t.string({ required: true }) }),
});
const UpdateLabelInput = builder.inputType('UpdateLabelInput', {
  description: 'Fields left out keep their value.',
  fields: (t) => ({ name: t.string(), color: t.string() }),
});

builder.queryField('labels', (t) =>
  t.field({
    type: [LabelType],
    description: "The workspace's labels, by name.",
    resolve: (_root, _args, ctx) => ctx.orm.em.fork().find(Label, { workspaceId: requireAuth(ctx).workspaceId }, { orderBy: { name: 'asc' } }),
  }),
);

builder.mutationField('createLabel', (t) =>
  t.field({
    type: LabelType,
    description: 'OWNER / ADMIN: a new label.',
    args: { input: t.arg({ type: CreateLabelInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(z.object({ name, color }), args.input);
      const em = ctx.orm.em.fork();
      const label = em.create(Label, { id: crypto.randomUUID(), workspaceId, ...input, createdAt: new Date() });
      await flushUniqueName(em, input.name);
      return label;
    },
  }),
);

builder.mutationField('updateLabel', (t) =>
  t.field({
    type: LabelType,
    description: "OWNER / ADMIN: renames or recolours a label (contacts keep it).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateLabelInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(z.object({ name: name.nullish(), color: color.nullish() }), args.input);
      const em = ctx.orm.em.fork();
      const label = await findLabel(em, workspaceId, String(args.id));
      if (input.name) label.name = input.name;
      if (input.color) label.color = input.color;
      await flushUniqueName(em, label.name);
      return label;
    },
  }),
);

builder.mutationField('deleteLabel', (t) =>
  t.field({
    type: 'Boolean',
    description: 'OWNER / ADMIN: deletes a label and takes it off every contact.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const label = await findLabel(em, workspaceId, String(args.id));
      await em.nativeDelete(Label, { id: label.id, workspaceId });
      return true;
    },
  }),
);

for (const [field, add] of [['addLabels', true], ['removeLabels', false]] as const) {
  builder.mutationField(field, (t) =>
    t.field({
      type: 'Int',
      description: add
        ? `OWNER / ADMIN / AGENT: puts each label on each contact (up to ${MAX_BULK_CONTACTS} contacts); returns how many labels were put on (one a contact had already counts for nothing). A live flow whose trigger is label_added with one of these labels starts in each such contact's most recent conversation.`
        : `OWNER / ADMIN / AGENT: takes each label off each contact (up to ${MAX_BULK_CONTACTS}); returns how many were taken off.`,
      args: { contactIds: t.arg.idList({ required: true }), labelIds: t.arg.idList({ required: true }) },
      resolve: async (_root, args, ctx) => {
        const { workspaceId } = requireAuth(ctx, AGENTS);
        const input = validate(
          z.object({
            contactIds: z.array(uuid).min(1, 'must name at least one contact').max(MAX_BULK_CONTACTS, `must name at most ${MAX_BULK_CONTACTS} contacts`),
            labelIds: z.array(uuid).min(1, 'must name at least one label').max(100, 'must name at most 100 labels'),
          }),
          { contactIds: args.contactIds.map(String), labelIds: args.labelIds.map(String) },
        );
        const em = ctx.orm.em.fork();
        const contactIds = [...new Set(input.contactIds)];
        const labelIds = [...new Set(input.labelIds)];
        await checkAllInWorkspace(em, workspaceId, 'labels', labelIds, 'labelIds', 'label');
        await checkAllInWorkspace(em, workspaceId, 'contacts', contactIds, 'contactIds', 'contact');
        const params = [`{${contactIds.join(',')}}`, `{${labelIds.join(',')}}`, workspaceId];
        if (!add) {
          const removed = await em.execute<{ contact_id: string }[]>(
            'delete from contact_labels where contact_id = any(?::uuid[]) and label_id = any(?::uuid[]) and workspace_id = ? returning contact_id',
            params,
          );
          return removed.length;
        }
        const added = await em.execute<{ contact_id: string; label_id: string }[]>(
          `insert into contact_labels (contact_id, label_id, workspace_id)
             select c, l, ? from unnest(?::uuid[]) c, unnest(?::uuid[]) l
             on conflict do nothing returning contact_id, label_id`,
          [workspaceId, params[0], params[1]],
        );
        // Flows whose trigger is one of these labels start for their contacts (only labels newly put on).
        await startLabelFlows(ctx, workspaceId, added.map((row) => ({ contactId: row.contact_id, labelId: row.label_id })));
        return added.length;
      },
    }),
  );
}

/** A label of the workspace, or NOT_FOUND (also for another workspace's id). */
async function findLabel(em: EntityManager, workspaceId: string, id: string): Promise<Label> {
  const label = uuid.safeParse(id).success ? await em.findOne(Label, { id, workspaceId }) : null;
  if (!label) throw notFound('label');
  return label;
}

async function flushUniqueName(em: EntityManager, labelName: string): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw badInput(`name: a label named "${labelName}" exists`, 'name');
    throw err;
  }
}

/** Every id is a row of `table` in the workspace; else BAD_USER_INPUT (the same whether a row is missing or another workspace's). */
export async function checkAllInWorkspace(em: EntityManager, workspaceId: string, table: 'labels' | 'contacts', ids: string[], field: string, what: string): Promise<void> {
  const [row] = await em.execute<{ n: number }[]>(`select count(*)::int as n from ${table} where id = any(?::uuid[]) and workspace_id = ?`, [`{${ids.join(',')}}`, workspaceId]);
  const missing = ids.length - row.n;
  if (missing > 0) throw badInput(`${field}: ${missing === 1 ? `a ${what} was` : `${missing} ${what}s were`} not found`, field);
}
