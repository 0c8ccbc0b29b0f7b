/** Contacts (the Contact entity): the contacts table (filter, order, keyset pages), one contact, and its changes. */
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, requireAuth, type GraphQLContext } from '../context';
import { badInput, notFound, validate } from '../errors';
import { decodeCursor, encodeCursor } from '../pagination';
import { Contact } from '../../../schema/entities/contact.entity';
import { OPT_OUT_SOURCES } from '../../../schema/entities/contact.entity';
import { CONTACT_ORDERS, countContacts, findContactPage, loadFieldTypes, prepareContactQuery, type ContactQuery } from '../../../schema/contacts/contact-query';
import { findSegment } from './segment';
import { customFieldValue } from '../../../schema/contacts/custom-field-value';
import { ContactFilterInput, checkedContactFilter } from './contact-filter-input';

export const OptOutSourceEnum = builder.enumType('OptOutSource', {
  values: OPT_OUT_SOURCES,
  description: 'KEYWORD: the contact sent a stop keyword; AGENT: set in the dashboard; IMPORT: a CSV said so; API: set through the API.',
});
export const ContactOrderEnum = builder.enumType('ContactOrder', {
  values: CONTACT_ORDERS,
  description: 'LAST_SEEN_DESC (default): latest inbound message first, never-seen contacts last; CREATED_DESC: newest first; NAME_ASC: by name (the phone without one).',
});

/** A customer (the Contact entity). */
export const ContactType = builder.objectRef<Contact>('Contact').implement({
  description: 'A customer, keyed by phone number.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phone: t.exposeString('phone'),
    name: t.exposeString('name', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    blocked: t.exposeBoolean('blocked'),
    optedOut: t.exposeBoolean('optedOut', { description: 'Opted out of broadcasts (never broadcast to); conversations go on as before.' }),
    optedOutAt: t.expose('optedOutAt', { type: 'DateTime', nullable: true }),
    optOutSource: t.field({ type: OptOutSourceEnum, nullable: true, resolve: (c) => c.optOutSource ?? null }),
    fields: t.field({
      type: 'JSON',
      description: 'Custom field values by field key (customFields): text, number, "YYYY-MM-DD" dates, booleans, CHOICE values.',
      resolve: (c) => c.fields ?? {},
    }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime', nullable: true, description: 'Their first inbound message; null: never wrote (an imported contact).' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', nullable: true, description: 'Their latest inbound message, to the minute.' }),
    conversationCount: t.exposeInt('conversationCount', { description: 'Conversations with them (one per channel they wrote to).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    aiApprovalMode: t.exposeString('aiApprovalMode', {
      nullable: true,
      description: "OFF or ALL: this contact's AI replies go out, or wait as drafts, whatever the workspace's approval mode; null: the workspace's.",
    }),
  }),
});

interface ContactConnectionView {
  edges: { cursor: string; node: Contact }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  query: ContactQuery;
}

const ContactEdge = builder.objectRef<{ cursor: string; node: Contact }>('ContactEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: ContactType, resolve: (e) => e.node }) }),
});
const ContactPageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('ContactPageInfo').implement({
  fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
});
const ContactConnection = builder.objectRef<ContactConnectionView>('ContactConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [ContactEdge], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: ContactPageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.int({ description: 'How many contacts match the filter (counted only when asked for).', resolve: (c, _args, ctx) => countContacts(ctx.orm.em.fork(), c.query) }),
  }),
});

const uuid = z.string().uuid('is not a valid id');
const pageSchema = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500'),
  after: z.string().nullish(),
  orderBy: z.enum(CONTACT_ORDERS),
});

builder.queryField('contacts', (t) =>
  t.field({
    type: ContactConnection,
    description: "The workspace's contacts matching the filter, in pages (keyset: a page never skips or repeats a contact).",
    args: {
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string(),
      filter: t.arg({ type: ContactFilterInput }),
      orderBy: t.arg({ type: ContactOrderEnum, defaultValue: 'LAST_SEEN_DESC' }),
      segmentId: t.arg.id({ description: "Only the segment's contacts (its saved filter), with `filter` on top." }),
    },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const page = validate(pageSchema, { first: args.first ?? 50, after: args.after, orderBy: args.orderBy ?? 'LAST_SEEN_DESC' });
      const em = ctx.orm.em.fork();
      const { query } = await checkedContactFilter(em, workspaceId, args.filter);
      if (args.segmentId != null) {
        const segment = await findSegment(em, workspaceId, String(args.segmentId));
        query.and = [(await prepareContactQuery(em, workspaceId, segment.filter, false)).query];
      }
      let after;
      if (page.after) {
        const [key, id] = decodeCursor(page.after);
        if (typeof key !== 'string' || !validSortKey(page.orderBy, key)) throw badInput('after: is not a cursor this API gave out', 'after');
        after = { key, id };
      }
      const rows = await findContactPage(em, query, page.orderBy, page.first + 1, after);
      const shown = rows.slice(0, page.first);
      const contacts = await loadContactsInOrder(em, workspaceId, shown.map((r) => r.id));
      const edges = shown.flatMap((r, i) => (contacts[i] ? [{ cursor: encodeCursor(r.key, r.id), node: contacts[i] }] : []));
      return { edges, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null }, query };
    },
  }),
);

/** A cursor's sort key reads back as its order's type (a timestamp; any text for names), or it is not one of ours. */
function validSortKey(order: (typeof CONTACT_ORDERS)[number], key: string): boolean {
  if (order === 'NAME_ASC') return key.length <= 1000;
  return key === '-infinity' || /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(key);
}

/** The contacts of these ids, in this order (a contact deleted since the page was read is left out). */
export async function loadContactsInOrder(em: EntityManager, workspaceId: string, ids: string[]): Promise<(Contact | undefined)[]> {
  if (ids.length === 0) return [];
  const rows = await em.find(Contact, { id: { $in: ids }, workspaceId });
  const byId = new Map(rows.map((c) => [c.id, c]));
  return ids.map((id) => byId.get(id));
}

builder.queryField('contact', (t) =>
  t.field({
    type: ContactType,
    nullable: true,
    description: 'A contact of the workspace; null for an unknown id (or another workspace\'s).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const id = String(args.id);
      return uuid.safeParse(id).success ? ctx.orm.em.fork().findOne(Contact, { id, workspaceId }) : null;
    },
  }),
);

const UpdateContactInput = builder.inputType('UpdateContactInput', {
  description: 'Fields left out keep their value; null clears name or email. `fields` sets the custom fields it names (null removes one) and keeps the rest.',
  fields: (t) => ({
    name: t.string(),
    email: t.string(),
    fields: t.field({ type: 'JSON' }),
    optedOut: t.boolean({ description: 'Opts the contact out of broadcasts (or back in), as set by an agent.' }),
  }),
});

const updateSchema = z.object({
  name: z.string().trim().max(200, 'is longer than 200 characters').nullish(),
  email: z.string().trim().max(254, 'is longer than 254 characters').email('is not an email address').or(z.literal('')).nullish(),
  fields: z.record(z.string(), z.unknown()).refine((f) => Object.keys(f).length <= 100, 'sets more than 100 fields').nullish(),
  optedOut: z.boolean().nullish(),
});

builder.mutationField('updateContact', (t) =>
  t.field({
    type: ContactType,
    description: "OWNER / ADMIN / AGENT: a contact's name, email, custom fields and opt-out.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateContactInput, required: true }) },
    resolve: async (_root, args, ctx) => updateContact(ctx, String(args.id), validate(updateSchema, args.input)),
  }),
);

async function updateContact(ctx: GraphQLContext, id: string, input: z.infer<typeof updateSchema>): Promise<Contact> {
  const { workspaceId } = requireAuth(ctx, AGENTS);
  if (!uuid.safeParse(id).success) throw notFound('contact');
  const em = ctx.orm.em.fork();
  const contact = await em.findOne(Contact, { id, workspaceId });
  if (!contact) throw notFound('contact');
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (sql: string, ...values: unknown[]) => {
    sets.push(sql);
    params.push(...values);
  };
  if (input.name !== undefined) set('name = ?', input.name || null);
  if (input.email !== undefined) set('email = ?', input.email ? input.email.toLowerCase() : null);
  if (input.optedOut != null && input.optedOut !== contact.optedOut) {
    set(`opted_out = ?, opted_out_at = ${input.optedOut ? 'now()' : 'null'}, opt_out_source = ?`, input.optedOut, input.optedOut ? 'AGENT' : null);
  }
  if (input.fields) {
    const changes = await checkedFieldChanges(em, workspaceId, input.fields);
    // Merged in the statement, so two people setting different fields at once both keep theirs.
    set('fields = (fields || ?::jsonb) - ?::text[]', JSON.stringify(changes.set), `{${changes.remove.map((k) => `"${k}"`).join(',')}}`);
  }
  if (sets.length === 0) return contact;
  await em.execute(`update contacts set ${sets.join(', ')}, updated_at = now() where id = ? and workspace_id = ?`, [...params, id, workspaceId]);
  return (await ctx.orm.em.fork().findOne(Contact, { id, workspaceId }))!;
}

/** Custom field values checked against the workspace's fields: what to set, what to remove. */
async function checkedFieldChanges(em: EntityManager, workspaceId: string, given: Record<string, unknown>): Promise<{ set: Record<string, unknown>; remove: string[] }> {
  const fields = await loadFieldTypes(em, workspaceId);
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [key, raw] of Object.entries(given)) {
    const field = fields.get(key);
    if (!field) throw badInput(`fields.${key}: no custom field has this key`, `fields.${key}`);
    const result = customFieldValue({ key, ...field }, raw);
    if ('error' in result) throw badInput(`fields.${key}: ${result.error}`, `fields.${key}`);
    if (result.value === null) remove.push(key);
    else set[key] = result.value;
  }
  return { set, remove };
}
