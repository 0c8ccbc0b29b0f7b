import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';

export const CUSTOM_FIELD_TYPES = ['TEXT', 'NUMBER', 'DATE', 'BOOLEAN', 'CHOICE'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/**
 * A custom contact field a workspace defines: its key (what contacts.fields, CSV headers and
 * `{{contact.fields.<key>}}` use; unique per workspace), label, type, and for CHOICE its choices.
 */
export const CustomField = defineEntity({
  name: 'CustomField',
  tableName: 'custom_fields',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    key: p.text(),
    name: p.text(),
    type: p.enum(CUSTOM_FIELD_TYPES),
    choices: p.array<string>().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ properties: ['workspaceId', 'key'] }],
});
export type CustomField = InferEntity<typeof CustomField>;
