/**
 * Which contacts a contacts query, a segment, an export or a broadcast audience means: the one
 * filter shape (`{search, labelIds, optedOut, fields, lastSeenAfter, lastSeenBefore}`), parsed and
 * checked here (pure), turned into SQL by contact-query.ts.
 */
import { z } from 'zod';
import type { CustomFieldType } from '../entities/custom-field.entity';

/** Which contacts: every given part holds (labels: any of them). */
export interface ContactFilter {
  /** Part of the name, phone or email, any case. */
  search?: string;
  /** Contacts with any of these labels. */
  labelIds?: string[];
  optedOut?: boolean;
  /** Every condition holds. */
  fields?: FieldCondition[];
  /** ISO instants: the contact's last inbound message is at or after `lastSeenAfter`, before `lastSeenBefore`. */
  lastSeenAfter?: string;
  lastSeenBefore?: string;
}

export const FIELD_OPERATORS = ['EQ', 'NEQ', 'CONTAINS', 'GT', 'GTE', 'LT', 'LTE', 'IS_SET', 'NOT_SET'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** A condition on one custom field's value; IS_SET and NOT_SET take no value. */
export interface FieldCondition {
  key: string;
  op: FieldOperator;
  value?: string | number | boolean | null;
}

/** A field condition whose value has its field's type (a DATE as "YYYY-MM-DD"). */
export interface TypedFieldCondition {
  key: string;
  type: CustomFieldType;
  op: FieldOperator;
  value: string | number | boolean | null;
}

/** Which operators each type of field takes. */
export const OPERATORS_BY_TYPE: Record<CustomFieldType, readonly FieldOperator[]> = {
  TEXT: ['EQ', 'NEQ', 'CONTAINS', 'IS_SET', 'NOT_SET'],
  NUMBER: ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE', 'IS_SET', 'NOT_SET'],
  DATE: ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE', 'IS_SET', 'NOT_SET'],
  BOOLEAN: ['EQ', 'NEQ', 'IS_SET', 'NOT_SET'],
  CHOICE: ['EQ', 'NEQ', 'IS_SET', 'NOT_SET'],
};

const MAX_LABELS = 100;
const MAX_CONDITIONS = 20;
const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not an ISO 8601 time')
  .transform((s) => new Date(s).toISOString());

/** The filter's shape (the GraphQL input and a segment's stored JSON); values are checked against field types by typedFieldConditions. */
export const contactFilterSchema = z
  .object({
    search: z.string().trim().max(100, 'is longer than 100 characters').nullish(),
    labelIds: z.array(z.string().uuid('is not a valid id')).max(MAX_LABELS, `has more than ${MAX_LABELS} labels`).nullish(),
    optedOut: z.boolean().nullish(),
    fields: z
      .array(
        z.object({
          key: z.string().min(1, 'must not be empty').max(64),
          op: z.enum(FIELD_OPERATORS),
          value: z.union([z.string().max(1000), z.number(), z.boolean()]).nullish(),
        }),
      )
      .max(MAX_CONDITIONS, `has more than ${MAX_CONDITIONS} conditions`)
      .nullish(),
    lastSeenAfter: z.union([instant, z.date().transform((d) => d.toISOString())]).nullish(),
    lastSeenBefore: z.union([instant, z.date().transform((d) => d.toISOString())]).nullish(),
  })
  .strict()
  .transform(compact);

/** The filter without empty parts (null, "", []), so equal filters are stored and compared the same. */
function compact(input: {
  search?: string | null;
  labelIds?: string[] | null;
  optedOut?: boolean | null;
  fields?: { key: string; op: FieldOperator; value?: string | number | boolean | null }[] | null;
  lastSeenAfter?: string | null;
  lastSeenBefore?: string | null;
}): ContactFilter {
  const filter: ContactFilter = {};
  if (input.search) filter.search = input.search;
  if (input.labelIds?.length) filter.labelIds = [...new Set(input.labelIds)];
  if (input.optedOut != null) filter.optedOut = input.optedOut;
  if (input.fields?.length) filter.fields = input.fields.map(({ key, op, value }) => (value == null ? { key, op } : { key, op, value }));
  if (input.lastSeenAfter) filter.lastSeenAfter = input.lastSeenAfter;
  if (input.lastSeenBefore) filter.lastSeenBefore = input.lastSeenBefore;
  return filter;
}

/** Problems of a filter's field conditions, each with where it is (`fields.0.value`). */
export interface FilterProblem {
  path: string;
  message: string;
}

/**
 * The field conditions with values of their fields' types. `strict` (a filter someone is sending
 * now): a condition on a field the workspace does not have is a problem. Not strict (a segment saved
 * before its field was deleted): the condition stays, as TEXT, and simply matches no value.
 */
export function typedFieldConditions(
  conditions: FieldCondition[] | undefined,
  fieldTypes: ReadonlyMap<string, { type: CustomFieldType; choices?: string[] | null }>,
  strict: boolean,
): { conditions: TypedFieldCondition[]; problems: FilterProblem[] } {
  const typed: TypedFieldCondition[] = [];
  const problems: FilterProblem[] = [];
  (conditions ?? []).forEach((condition, index) => {
    const at = `fields.${index}`;
    const field = fieldTypes.get(condition.key);
    if (!field) {
      if (strict) problems.push({ path: `${at}.key`, message: `no custom field has the key "${condition.key}"` });
      else typed.push({ key: condition.key, type: 'TEXT', op: condition.op, value: typeof condition.value === 'string' ? condition.value : null });
      return;
    }
    if (!OPERATORS_BY_TYPE[field.type].includes(condition.op)) {
      problems.push({ path: `${at}.op`, message: `${condition.op} does not apply to a ${field.type} field (use ${OPERATORS_BY_TYPE[field.type].join(', ')})` });
      return;
    }
    if (condition.op === 'IS_SET' || condition.op === 'NOT_SET') {
      typed.push({ key: condition.key, type: field.type, op: condition.op, value: null });
      return;
    }
    const value = conditionValue(field.type, condition.value, field.choices ?? null);
    if ('error' in value) problems.push({ path: `${at}.value`, message: value.error });
    else typed.push({ key: condition.key, type: field.type, op: condition.op, value: value.value });
  });
  return { conditions: typed, problems };
}

function conditionValue(type: CustomFieldType, value: unknown, choices: string[] | null): { value: string | number | boolean } | { error: string } {
  if (value == null || value === '') return { error: 'needs a value' };
  switch (type) {
    case 'TEXT':
      return typeof value === 'string' ? { value } : { error: 'must be text' };
    case 'NUMBER': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(number) ? { value: number } : { error: 'must be a number' };
    }
    case 'DATE':
      return typeof value === 'string' && isIsoDate(value) ? { value } : { error: 'must be a date like 2026-12-31' };
    case 'BOOLEAN':
      return typeof value === 'boolean' ? { value } : { error: 'must be true or false' };
    case 'CHOICE': {
      const match = typeof value === 'string' ? choices?.find((c) => c.toLowerCase() === value.trim().toLowerCase()) : undefined;
      return match !== undefined ? { value: match } : { error: `must be one of ${(choices ?? []).join(', ')}` };
    }
  }
}

/** "YYYY-MM-DD", a day that exists. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
