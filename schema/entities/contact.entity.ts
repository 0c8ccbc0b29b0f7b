import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { APPROVAL_MODES } from './ai-settings.entity';

export const OPT_OUT_SOURCES = ['KEYWORD', 'AGENT', 'IMPORT', 'API'] as const;
/** KEYWORD: the contact sent a stop keyword; AGENT: set in the dashboard; IMPORT: a CSV said so; API: updateContact by a developer. */
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

/** A contact's custom field values, by field key (custom_fields.key); each value has its field's type (schema/contacts/custom-field-value.ts). */
export type ContactFieldValues = Record<string, string | number | boolean>;

/**
 * A customer of a workspace, keyed by canonical phone digits (contactKey). `firstSeenAt`,
 * `lastSeenAt` (their first and latest inbound message) and `conversationCount` are kept by
 * triggers on messages and conversations (Migration20261203000000_contacts), so no read counts.
 */
export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'contacts',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    contactKey: p.text(),
    phone: p.text(),
    name: p.text().nullable(),
    email: p.text().nullable(),
    blocked: p.boolean().default(false),
    /** Opted out of broadcasts: a broadcast skips the contact; conversations go on as before. */
    optedOut: p.boolean().default(false),
    optedOutAt: p.datetime().nullable(),
    optOutSource: p.enum(OPT_OUT_SOURCES).nullable(),
    /** Custom field values by key; a GIN index answers equality filters (`fields @> …`). */
    fields: p.json<ContactFieldValues>().defaultRaw(`'{}'`),
    /** Overrides the workspace's AI approval mode for this contact; null: the workspace's. */
    aiApprovalMode: p.enum(APPROVAL_MODES).nullable(),
    firstSeenAt: p.datetime().nullable(),
    lastSeenAt: p.datetime().nullable(),
    conversationCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()').onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['workspaceId', 'contactKey'] }],
  indexes: [
    // The contacts table's three orders (schema/contacts/contact-query.ts), each a keyset on (sort key, id).
    {
      name: 'contacts_last_seen',
      expression: `create index contacts_last_seen on contacts (workspace_id, (coalesce(last_seen_at, '-infinity'::timestamptz)) desc, id desc)`,
    },
    { name: 'contacts_created', expression: 'create index contacts_created on contacts (workspace_id, created_at desc, id desc)' },
    { name: 'contacts_name', expression: 'create index contacts_name on contacts (workspace_id, (lower(coalesce(name, phone))), id)' },
    { name: 'contacts_fields', expression: 'create index contacts_fields on contacts using gin (fields jsonb_path_ops)' },
    // The table's search (contact-query.ts): a part of the name, email or phone digits, through pg_trgm.
    {
      name: 'contacts_search',
      expression: `create index contacts_search on contacts using gin ((coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || contact_key) gin_trgm_ops)`,
    },
  ],
});
export type Contact = InferEntity<typeof Contact>;
