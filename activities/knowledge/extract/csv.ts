import { parse } from 'csv-parse/sync';
import { ExtractionError, type TextBlock } from './blocks';

/** A CSV table (csv-parse): one paragraph per row, each cell a "header: value" line, empty cells left out. */
export function extractCsv(text: string): TextBlock[] {
  let rows: string[][];
  try {
    rows = parse(text, { delimiter: detectDelimiter(text), relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (err) {
    throw new ExtractionError(`the CSV file could not be read: ${(err as Error).message}`);
  }
  const [header, ...records] = rows;
  if (!header || records.length === 0) throw new ExtractionError('the CSV file has no rows under its header');
  return records
    .map((record) => record.map((value, i) => (value ? `${header[i] || `column ${i + 1}`}: ${value}` : '')).filter(Boolean).join('\n'))
    .filter(Boolean)
    .map((text) => ({ kind: 'paragraph', text }));
}

/** Comma, semicolon (spreadsheets in many locales) or tab: whichever the header line has most of. */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}
