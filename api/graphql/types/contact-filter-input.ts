/** The contact filter as a GraphQL input (ContactFilter), shared by contacts, segments, export and broadcast audiences. */
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { badInput, validate } from '../errors';
import { contactFilterSchema, FIELD_OPERATORS, type ContactFilter } from '../../../schema/contacts/contact-filter';
import { prepareContactQuery, type ContactQuery } from '../../../schema/contacts/contact-query';
import { Label } from '../../../schema/entities/label.entity';

export const FieldOperatorEnum = builder.enumType('FieldOperator', {
  values: FIELD_OPERATORS,
  description: 'EQ, NEQ, CONTAINS (text), GT, GTE, LT, LTE (numbers, dates), IS_SET, NOT_SET (no value).',
});

const FieldConditionInput = builder.inputType('ContactFieldConditionInput', {
  description: "A condition on a custom field's value: `value` has the field's type (a DATE as YYYY-MM-DD).",
  fields: (t) => ({
    key: t.string({ required: true }),
    op: t.field({ type: FieldOperatorEnum, required: true }),
    value: t.field({ type: 'JSON' }),
  }),
});

export const ContactFilterInput = builder.inputType('ContactFilterInput', {
  description: 'Contacts matching every part given: search in name, phone and email; any of the labels; opted out or not; every field condition; last inbound message in [lastSeenAfter, lastSeenBefore).',
  fields: (t) => ({
    search: t.string(),
    labelIds: t.idList(),
    optedOut: t.boolean(),
    fields: t.field({ type: [FieldConditionInput] }),
    lastSeenAfter: t.field({ type: 'DateTime' }),
    lastSeenBefore: t.field({ type: 'DateTime' }),
  }),
});

/** The filter as given (BAD_USER_INPUT naming the part), checked against the workspace's labels and fields; prefix names where it sits (`filter`). */
export async function checkedContactFilter(em: EntityManager, workspaceId: string, input: unknown, prefix = 'filter'): Promise<{ filter: ContactFilter; query: ContactQuery }> {
  const filter = validate(z.object({ [prefix]: contactFilterSchema }), { [prefix]: withoutUndefined(input ?? {}) })[prefix];
  if (filter.labelIds?.length) {
    const found = await em.count(Label, { id: { $in: filter.labelIds }, workspaceId });
    if (found !== filter.labelIds.length) throw badInput(`${prefix}.labelIds: a label was not found`, `${prefix}.labelIds`);
  }
  const { query, problems } = await prepareContactQuery(em, workspaceId, filter, true);
  if (problems.length) throw badInput(`${prefix}.${problems[0].path}: ${problems[0].message}`, `${prefix}.${problems[0].path}`);
  return { filter, query };
}

/** GraphQL gives absent fields as undefined and `strict()` zod objects take them; nulls stay (they mean "no condition"). */
function withoutUndefined(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
