/**
 * What a document is, by its bytes, never its name: binary formats by their magic bytes
 * (`file-type`), text by being valid UTF-8, then HTML / CSV / Markdown by their shape.
 */
import { parse } from 'csv-parse/sync';
import { detectDelimiter } from './csv';

export const DOCUMENT_TYPES = {
  PDF: 'application/pdf',
  DOCX: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  HTML: 'text/html',
  CSV: 'text/csv',
  MARKDOWN: 'text/markdown',
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;

/** The kinds a document may be, for the refusal message. */
export const ACCEPTED_TYPES = 'PDF, Word (DOCX), HTML, CSV, Markdown or plain text';

/** The document's type, or null when it is none that can be read (an executable, an image, a ZIP…). */
export async function detectType(bytes: Uint8Array): Promise<DocumentType | null> {
  const { fileTypeFromBuffer } = await import('file-type');
  const binary = await fileTypeFromBuffer(bytes);
  if (binary) return binary.mime === DOCUMENT_TYPES.PDF ? 'PDF' : binary.mime === DOCUMENT_TYPES.DOCX ? 'DOCX' : null;
  const text = utf8(bytes);
  if (text === null) return null;
  if (/^\s*(<!doctype html|<html[\s>])/i.test(text.slice(0, 1024))) return 'HTML';
  return looksLikeCsv(text) ? 'CSV' : 'MARKDOWN';
}

/** The bytes as text when they are valid UTF-8 with no NUL or other control bytes but whitespace; otherwise null. */
export function utf8(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? null : text;
}

/** At least two rows, each with the header's number (≥ 2) of cells. */
function looksLikeCsv(text: string): boolean {
  const sample = text.split(/\r?\n/).slice(0, 20).join('\n');
  try {
    const rows = parse(sample, { delimiter: detectDelimiter(sample), skip_empty_lines: true, relax_quotes: true, to_line: 20 }) as string[][];
    return rows.length >= 2 && rows[0].length >= 2 && rows.every((row) => row.length === rows[0].length);
  } catch {
    return false;
  }
}
