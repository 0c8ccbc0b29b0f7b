/** Custom contact fields (the CustomField entity): typed definitions per workspace; values live on contacts. */
import { z } from 'zod';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { CustomField, CUSTOM_FIELD_TYPES } from '../../../schema/entities/custom-field.entity';

export const CustomFieldTypeEnum = builder.enumType('CustomFieldType', { values: CUSTOM_FIELD_TYPES });

/** A custom field definition. */
export const CustomFieldObject = builder.objectRef<CustomField>('CustomField').implement({
  description: "A custom contact field: `key` is what contact.fields, CSV headers and {{contact.fields.<key>}} use; CHOICE fields take one of `choices`.",
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    type: t.field({ type: CustomFieldTypeEnum, resolve: (f) => f.type }),
    choices: t.stringList({ nullable: true, resolve: (f) => f.choices ?? null }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateCustomFieldInput = builder.inputType('CreateCustomFieldInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: 'Lower case letters, digits and _, starting with a letter (e.g. plan, last_order).' }),
    name: t.string({ required: true }),
    type: t.field({ type: CustomFieldTypeEnum, required: true }),
    choices: t.stringList(),
  }),
});
const UpdateCustomFieldInput = builder.inputType('UpdateCustomFieldInput', {
  description: "The key and type stay (contacts' values and saved filters use them); a CHOICE field's choices may grow or change.",
  fields: (t) => ({ name: t.string(), choices: t.stringList() }),
});

/** Keys a contact's CSV header or a template variable can carry as they are; the columns a contact has of its own are taken. */
const RESERVED_KEYS = new Set(['id', 'phone', 'name', 'email', 'labels', 'opted_out', 'blocked', 'created_at', 'last_seen_at', 'first_seen_at']);
const key = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower case letters, digits and _, starting with a letter (at most 40)')
  .refine((k) => !RESERVED_KEYS.has(k), 'is a contact column of its own');
const fieldName = z.string().trim().min(1, 'must not be empty').max(60, 'is longer than 60 characters');
const choices = z
  .array(z.string().trim().min(1, 'must not be empty').max(60, 'is longer than 60 characters'))
  .min(1, 'a CHOICE field needs at least one choice')
  .max(100, 'has more than 100 choices')
  .refine((list) => new Set(list.map((c) => c.toLowerCase())).size === list.length, 'has a choice twice');
const createSchema = z
  .object({ key, name: fieldName, type: z.enum(CUSTOM_FIELD_TYPES), choices: choices.nullish() })
  .refine((f) => f.type !== 'CHOICE' || f.choices?.length, { message: 'a CHOICE field needs its choices', path: ['choices'] })
  .refine((f) => f.type === 'CHOICE' || !f.choices, { message: 'only a CHOICE field has choices', path: ['choices'] });

builder.queryField('customFields', (t) =>
  t.field({
    type: [CustomFieldObject],
    description: "The workspace's custom contact fields, oldest first.",
    resolve: (_root, _args, ctx) => ctx.orm.em.fork().find(CustomField, { workspaceId: requireAuth(ctx).workspaceId }, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
);

builder.mutationField('createCustomField', (t) =>
  t.field({
    type: CustomFieldObject,
    description: 'OWNER / ADMIN: a new custom contact field.',
    args: { input: t.arg({ type: CreateCustomFieldInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(createSchema, args.input);
      const em = ctx.orm.em.fork();
      const field = em.create(CustomField, { id: crypto.randomUUID(), workspaceId, key: input.key, name: input.name, type: input.type, choices: input.choices ?? null, createdAt: new Date() });
      try {
        await em.flush();
      } catch (err) {
        if (err instanceof UniqueConstraintViolationException) throw badInput(`key: a field with the key "${input.key}" exists`, 'key');
        throw err;
      }
      return field;
    },
  }),
);

builder.mutationField('updateCustomField', (t) =>
  t.field({
    type: CustomFieldObject,
    description: "OWNER / ADMIN: renames a field or changes a CHOICE field's choices (a contact's value no longer among them stays until changed).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateCustomFieldInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(z.object({ name: fieldName.nullish(), choices: choices.nullish() }), args.input);
      const em = ctx.orm.em.fork();
      const field = await findField(em, workspaceId, String(args.id));
      if (input.choices && field.type !== 'CHOICE') throw badInput('choices: only a CHOICE field has choices', 'choices');
      if (input.name) field.name = input.name;
      if (input.choices) field.choices = input.choices;
      await em.flush();
      return field;
    },
  }),
);

builder.mutationField('deleteCustomField', (t) =>
  t.field({
    type: 'Boolean',
    description: "OWNER / ADMIN: deletes a field and every contact's value of it.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const em = ctx.orm.em.fork();
      const field = await findField(em, workspaceId, String(args.id));
      await em.transactional(async (tx) => {
        await tx.execute('update contacts set fields = fields - ?::text where workspace_id = ? and (fields -> ?) is not null', [field.key, workspaceId, field.key]);
        await tx.nativeDelete(CustomField, { id: field.id, workspaceId });
      });
      return true;
    },
  }),
);

async function findField(em: EntityManager, workspaceId: string, id: string): Promise<CustomField> {
  const field = z.string().uuid().safeParse(id).success ? await em.findOne(CustomField, { id, workspaceId }) : null;
  if (!field) throw notFound('custom field');
  return field;
}
