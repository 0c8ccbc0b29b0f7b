/**
 * A CSV of contacts, row by row (pure): which column is which (a header mapped by name or by an
 * explicit mapping), and each row as a contact to merge, or why it is not one. Phones become E.164
 * with libphonenumber-js (a local number takes the default country); custom field values are
 * checked by type (custom-field-value.ts).
 */
import { parsePhoneNumberFromString, isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import type { CustomFieldType } from '../entities/custom-field.entity';
import { customFieldValue } from './custom-field-value';

/** The contact columns a CSV can fill, besides custom fields (by key). */
export const CONTACT_COLUMNS = ['phone', 'name', 'email', 'labels', 'opted_out'] as const;
export type ContactColumn = (typeof CONTACT_COLUMNS)[number];

/** Header spellings each contact column is recognized by (compared lower case, spaces and dashes as _). */
const ALIASES: Record<ContactColumn, string[]> = {
  phone: ['phone', 'phone_number', 'phonenumber', 'mobile', 'mobile_number', 'cell', 'whatsapp', 'whatsapp_number', 'number', 'telephone', 'tel', 'telefono', 'teléfono', 'celular'],
  name: ['name', 'full_name', 'fullname', 'contact_name', 'display_name', 'nombre'],
  email: ['email', 'e_mail', 'email_address', 'mail', 'correo'],
  labels: ['labels', 'label', 'tags', 'tag'],
  opted_out: ['opted_out', 'optedout', 'opt_out', 'unsubscribed'],
};

export interface FieldInfo {
  key: string;
  name: string;
  type: CustomFieldType;
  choices: string[] | null;
}

/** What one column of the file fills: a contact column, a custom field, or nothing. */
export type ColumnTarget = { kind: 'contact'; column: ContactColumn } | { kind: 'field'; field: FieldInfo } | { kind: 'ignored' };

/** An explicit mapping (the dashboard's mapping step): the header `column` goes to `field` (a contact column or a custom field key; "" ignores it). */
export interface ColumnMapping {
  column: string;
  field: string;
}

/** Each column's target, the header names nothing took, or why the header cannot be imported. */
export function mapColumns(
  header: string[],
  fields: FieldInfo[],
  mapping?: ColumnMapping[] | null,
): { targets: ColumnTarget[]; ignored: string[] } | { error: string } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const byName = new Map(fields.map((f) => [simplify(f.name), f]));
  const explicit = mapping ? new Map(mapping.map((m) => [m.column.trim(), m.field.trim()])) : null;
  if (explicit) {
    const missing = [...explicit.keys()].filter((column) => !header.some((h) => h.trim() === column));
    if (missing.length) return { error: `mapping: the file has no column "${missing[0]}"` };
  }
  const targets = header.map((raw): ColumnTarget | { error: string } => {
    const column = raw.trim();
    if (explicit) {
      const to = explicit.get(column);
      if (!to) return { kind: 'ignored' };
      if ((CONTACT_COLUMNS as readonly string[]).includes(to)) return { kind: 'contact', column: to as ContactColumn };
      const field = byKey.get(to);
      return field ? { kind: 'field', field } : { error: `mapping: "${to}" is neither a contact column (${CONTACT_COLUMNS.join(', ')}) nor a custom field key` };
    }
    const simple = simplify(column);
    const contactColumn = CONTACT_COLUMNS.find((c) => ALIASES[c].includes(simple));
    if (contactColumn) return { kind: 'contact', column: contactColumn };
    const field = byKey.get(simple) ?? byName.get(simple);
    return field ? { kind: 'field', field } : { kind: 'ignored' };
  });
  const failed = targets.find((t): t is { error: string } => 'error' in t);
  if (failed) return failed;
  const mapped = targets as ColumnTarget[];
  const taken = new Set<string>();
  for (const t of mapped) {
    const name = t.kind === 'contact' ? t.column : t.kind === 'field' ? `field ${t.field.key}` : null;
    if (!name) continue;
    if (taken.has(name)) return { error: `two columns are both ${name}` };
    taken.add(name);
  }
  if (!mapped.some((t) => t.kind === 'contact' && t.column === 'phone')) {
    return { error: `no phone column: name one ${ALIASES.phone.slice(0, 4).join(', ')} (or map one)` };
  }
  return { targets: mapped, ignored: header.filter((_, i) => mapped[i].kind === 'ignored').map((h) => h.trim()) };
}

function simplify(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** One row as a contact: what it sets (absent: the cell was empty, so nothing changes). */
export interface ContactRow {
  /** E.164 digits, the contact key. */
  contactKey: string;
  phone: string;
  name?: string;
  email?: string;
  /** Label names, as in the cell. */
  labels?: string[];
  /** true opts the contact out; an import never opts anyone back in. */
  optedOut?: true;
  fields: Record<string, string | number | boolean>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const YES = new Set(['true', 'yes', 'y', '1', 'x']);

/** A row's contact, or why it is not one (the first problem, naming the column). */
export function parseContactRow(cells: string[], header: string[], targets: ColumnTarget[], defaultCountry: CountryCode | null): ContactRow | { error: string } {
  if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== '')) {
    return { error: `has ${cells.length} values, the header ${header.length} (a comma inside a value needs quotes)` };
  }
  const row: Partial<ContactRow> & { fields: ContactRow['fields'] } = { fields: {} };
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    const cell = (cells[i] ?? '').trim();
    if (target.kind === 'ignored' || cell === '') continue;
    if (target.kind === 'field') {
      const value = customFieldValue(target.field, cell);
      if ('error' in value) return { error: `${header[i].trim()}: ${value.error}` };
      if (value.value !== null) row.fields[target.field.key] = value.value;
      continue;
    }
    switch (target.column) {
      case 'phone': {
        const phone = normalizePhone(cell, defaultCountry);
        if ('error' in phone) return { error: `${header[i].trim()}: ${phone.error}` };
        row.phone = phone.e164;
        row.contactKey = phone.e164.slice(1);
        break;
      }
      case 'name':
        if (cell.length > 200) return { error: `${header[i].trim()}: is longer than 200 characters` };
        row.name = cell;
        break;
      case 'email':
        if (!EMAIL.test(cell) || cell.length > 254) return { error: `${header[i].trim()}: "${cell}" is not an email address` };
        row.email = cell.toLowerCase();
        break;
      case 'labels': {
        const labels = [...new Set(cell.split(/[;|,]/).map((l) => l.trim()).filter(Boolean))];
        if (labels.some((l) => l.length > 50)) return { error: `${header[i].trim()}: a label is longer than 50 characters` };
        row.labels = labels;
        break;
      }
      case 'opted_out':
        if (YES.has(cell.toLowerCase())) row.optedOut = true;
        break;
    }
  }
  if (!row.phone) return { error: 'has no phone number' };
  return row as ContactRow;
}

/** E.164 ("+4915112345678") of what someone typed, a local number in `defaultCountry`; or why not. */
export function normalizePhone(text: string, defaultCountry: CountryCode | null): { e164: string } | { error: string } {
  const international = text.replace(/^\s*00/, '+');
  if (!international.trim().startsWith('+') && !defaultCountry) return { error: `"${text}" has no country code (+…): give a default country for local numbers` };
  if (/[a-z]/i.test(international.replace(/(ext|x)\.?\s*\d+$/i, ''))) return { error: `"${text}" is not a phone number` };
  const parsed = parsePhoneNumberFromString(international, defaultCountry ?? undefined);
  if (!parsed || !parsed.isValid()) return { error: `"${text}" is not a valid phone number` };
  return { e164: parsed.number };
}

/** A country code libphonenumber knows ("DE"), upper-cased; null when it does not. */
export function supportedCountry(code: string): CountryCode | null {
  const upper = code.trim().toUpperCase();
  return isSupportedCountry(upper) ? (upper as CountryCode) : null;
}

/** Folds `row` into `into` (the same phone later in the file): later non-empty values win, labels add up. */
export function mergeRows(into: ContactRow, row: ContactRow): ContactRow {
  return {
    contactKey: into.contactKey,
    phone: into.phone,
    name: row.name ?? into.name,
    email: row.email ?? into.email,
    labels: into.labels || row.labels ? [...new Set([...(into.labels ?? []), ...(row.labels ?? [])])] : undefined,
    optedOut: into.optedOut || row.optedOut,
    fields: { ...into.fields, ...row.fields },
  };
}
