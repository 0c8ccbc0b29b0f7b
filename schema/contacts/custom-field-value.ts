/**
 * A custom field value as contacts.fields stores it, from what a person typed (the API, a CSV
 * cell): each type has one stored form, so a filter compares like with like. Pure.
 */
import type { CustomFieldType } from '../entities/custom-field.entity';
import { isIsoDate } from './contact-filter';

export interface FieldDefinition {
  key: string;
  type: CustomFieldType;
  choices?: string[] | null;
}

const MAX_TEXT = 1000;
const TRUE = new Set(['true', 'yes', 'y', '1', 'si', 'sí', 'ja']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/**
 * The stored value of `raw` for `field`, null to clear it (null or blank), or why it is not one.
 * TEXT ≤ 1000 characters; NUMBER a finite number ("1,5" is not one: a CSV's commas are ambiguous);
 * DATE "YYYY-MM-DD" (an ISO instant keeps its UTC day); BOOLEAN true/false, yes/no, 1/0; CHOICE one
 * of the choices, any case (stored as the choice is spelled).
 */
export function customFieldValue(field: FieldDefinition, raw: unknown): { value: string | number | boolean | null } | { error: string } {
  if (raw == null || (typeof raw === 'string' && raw.trim() === '')) return { value: null };
  const text = typeof raw === 'string' ? raw.trim() : null;
  switch (field.type) {
    case 'TEXT':
      if (typeof raw !== 'string' && typeof raw !== 'number') return { error: 'must be text' };
      return String(raw).length > MAX_TEXT ? { error: `is longer than ${MAX_TEXT} characters` } : { value: typeof raw === 'string' ? raw.trim() : String(raw) };
    case 'NUMBER': {
      const number = typeof raw === 'number' ? raw : text !== null && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
      return Number.isFinite(number) ? { value: number } : { error: 'must be a number' };
    }
    case 'DATE': {
      if (text === null) return { error: 'must be a date like 2026-12-31' };
      if (isIsoDate(text)) return { value: text };
      if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) return { value: new Date(text).toISOString().slice(0, 10) };
      return { error: 'must be a date like 2026-12-31' };
    }
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return { value: raw };
      const word = text?.toLowerCase() ?? '';
      if (TRUE.has(word)) return { value: true };
      if (FALSE.has(word)) return { value: false };
      return { error: 'must be true or false' };
    }
    case 'CHOICE': {
      const choice = text === null ? undefined : field.choices?.find((c) => c.toLowerCase() === text.toLowerCase());
      return choice !== undefined ? { value: choice } : { error: `must be one of ${(field.choices ?? []).join(', ')}` };
    }
  }
}
