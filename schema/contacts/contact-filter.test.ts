import { contactFilterSchema, typedFieldConditions } from './contact-filter';
import { contactWhereSql } from './contact-query';
import { customFieldValue } from './custom-field-value';

const LABEL = '11111111-1111-4111-8111-111111111111';
const fields = new Map([
  ['plan', { type: 'CHOICE' as const, choices: ['Free', 'Pro'] }],
  ['orders', { type: 'NUMBER' as const }],
  ['birthday', { type: 'DATE' as const }],
  ['vip', { type: 'BOOLEAN' as const }],
  ['city', { type: 'TEXT' as const }],
]);

describe('contactFilterSchema', () => {
  it('drops empty parts and repeated labels, and normalizes instants to UTC', () => {
    expect(contactFilterSchema.parse({ search: '  ', labelIds: [LABEL, LABEL], optedOut: null, fields: [], lastSeenAfter: '2026-12-01T10:00:00+01:00' })).toEqual({
      labelIds: [LABEL],
      lastSeenAfter: '2026-12-01T09:00:00.000Z',
    });
  });

  it('refuses unknown keys, bad ids and bad instants', () => {
    expect(contactFilterSchema.safeParse({ segment: 'x' }).success).toBe(false);
    expect(contactFilterSchema.safeParse({ labelIds: ['nope'] }).success).toBe(false);
    expect(contactFilterSchema.safeParse({ lastSeenBefore: 'yesterday' }).success).toBe(false);
  });
});

describe('typedFieldConditions', () => {
  it('types each value by its field', () => {
    const { conditions, problems } = typedFieldConditions(
      [
        { key: 'plan', op: 'EQ', value: 'pro' },
        { key: 'orders', op: 'GTE', value: '3' },
        { key: 'birthday', op: 'LT', value: '2000-01-01' },
        { key: 'vip', op: 'IS_SET' },
      ],
      fields,
      true,
    );
    expect(problems).toEqual([]);
    expect(conditions).toEqual([
      { key: 'plan', type: 'CHOICE', op: 'EQ', value: 'Pro' },
      { key: 'orders', type: 'NUMBER', op: 'GTE', value: 3 },
      { key: 'birthday', type: 'DATE', op: 'LT', value: '2000-01-01' },
      { key: 'vip', type: 'BOOLEAN', op: 'IS_SET', value: null },
    ]);
  });

  it('names each problem where it is', () => {
    const { problems } = typedFieldConditions(
      [
        { key: 'missing', op: 'EQ', value: 'x' },
        { key: 'vip', op: 'GT', value: true },
        { key: 'orders', op: 'EQ', value: 'many' },
        { key: 'plan', op: 'EQ', value: 'Enterprise' },
        { key: 'birthday', op: 'EQ', value: '2026-02-30' },
      ],
      fields,
      true,
    );
    expect(problems).toEqual([
      { path: 'fields.0.key', message: 'no custom field has the key "missing"' },
      { path: 'fields.1.op', message: 'GT does not apply to a BOOLEAN field (use EQ, NEQ, IS_SET, NOT_SET)' },
      { path: 'fields.2.value', message: 'must be a number' },
      { path: 'fields.3.value', message: 'must be one of Free, Pro' },
      { path: 'fields.4.value', message: 'must be a date like 2026-12-31' },
    ]);
  });

  it('keeps a saved condition on a deleted field as text when not strict', () => {
    expect(typedFieldConditions([{ key: 'gone', op: 'EQ', value: 'x' }], fields, false)).toEqual({
      conditions: [{ key: 'gone', type: 'TEXT', op: 'EQ', value: 'x' }],
      problems: [],
    });
  });
});

describe('contactWhereSql', () => {
  it('starts with the workspace and has one placeholder per parameter', () => {
    const { sql, params } = contactWhereSql({
      workspaceId: 'w',
      filter: { search: '+49 151', labelIds: [LABEL], optedOut: false, lastSeenAfter: 'a', lastSeenBefore: 'b' },
      conditions: [
        { key: 'orders', type: 'NUMBER', op: 'GT', value: 2 },
        { key: 'city', type: 'TEXT', op: 'CONTAINS', value: '50%' },
      ],
    });
    expect(sql.startsWith('c.workspace_id = ?')).toBe(true);
    expect(sql.split('?').length - 1).toBe(params.length);
    expect(params).toEqual(['w', '%49151%', `{${LABEL}}`, false, 'a', 'b', 'orders', 'orders', 2, 'city', '%50\\%%']);
  });
});

describe('customFieldValue', () => {
  it('stores each type in one form', () => {
    expect(customFieldValue({ key: 'n', type: 'NUMBER' }, ' 12.5 ')).toEqual({ value: 12.5 });
    expect(customFieldValue({ key: 'n', type: 'NUMBER' }, '1,5')).toEqual({ error: 'must be a number' });
    expect(customFieldValue({ key: 'd', type: 'DATE' }, '2026-12-03T23:30:00Z')).toEqual({ value: '2026-12-03' });
    expect(customFieldValue({ key: 'b', type: 'BOOLEAN' }, 'Yes')).toEqual({ value: true });
    expect(customFieldValue({ key: 'b', type: 'BOOLEAN' }, 'maybe')).toEqual({ error: 'must be true or false' });
    expect(customFieldValue({ key: 'c', type: 'CHOICE', choices: ['Free', 'Pro'] }, 'PRO')).toEqual({ value: 'Pro' });
    expect(customFieldValue({ key: 't', type: 'TEXT' }, '   ')).toEqual({ value: null });
  });
});
