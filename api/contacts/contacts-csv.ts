/**
 * contactsCsv: a workspace's contacts matching a filter as CSV, streamed (1,000 contacts read per
 * batch, rows written as they are made), with the columns an import reads: phone, name, email,
 * labels, opted_out and each custom field by key, so an export imports back as it was.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Contact } from '../../schema/entities/contact.entity';
import { CustomField } from '../../schema/entities/custom-field.entity';
import { streamContactIds } from '../../schema/contacts/contact-query';
import type { ContactFilter } from '../../schema/contacts/contact-filter';

/** The CSV of the matching contacts, newest first, with a BOM (spreadsheets then read it as UTF-8). */
export async function contactsCsv(em: EntityManager, workspaceId: string, filter: ContactFilter): Promise<Readable> {
  const fields = await em.find(CustomField, { workspaceId }, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const columns = ['phone', 'name', 'email', 'labels', 'opted_out', ...fields.map((f) => f.key)];
  const rows = Readable.from(contactRows(em, workspaceId, filter, fields.map((f) => f.key)));
  return rows.pipe(stringify({ header: true, columns, bom: true }));
}

async function* contactRows(em: EntityManager, workspaceId: string, filter: ContactFilter, fieldKeys: string[]): AsyncGenerator<string[]> {
  for await (const ids of streamContactIds(em, workspaceId, filter)) {
    const batch = em.fork();
    const [contacts, labels] = await Promise.all([
      batch.find(Contact, { id: { $in: ids }, workspaceId }),
      batch.execute<{ contact_id: string; names: string }[]>(
        `select cl.contact_id, string_agg(l.name, '; ' order by lower(l.name)) as names from contact_labels cl join labels l on l.id = cl.label_id
          where cl.contact_id = any(?::uuid[]) and cl.workspace_id = ? group by cl.contact_id`,
        [`{${ids.join(',')}}`, workspaceId],
      ),
    ]);
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const labelsOf = new Map(labels.map((l) => [l.contact_id, l.names]));
    for (const id of ids) {
      const c = byId.get(id);
      if (!c) continue;
      yield [
        c.phone,
        safeCell(c.name ?? ''),
        safeCell(c.email ?? ''),
        safeCell(labelsOf.get(id) ?? ''),
        c.optedOut ? 'true' : 'false',
        ...fieldKeys.map((key) => (c.fields?.[key] === undefined ? '' : safeCell(String(c.fields[key])))),
      ];
    }
  }
}

/**
 * A value a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe, so
 * opening an export never runs what a contact typed as their name. Numbers stay as they are.
 */
export function safeCell(value: string): string {
  if (/^[=+\-@\t\r]/.test(value) && !/^[+-]?\d[\d\s.,]*$/.test(value)) return `'${value}`;
  return value;
}
