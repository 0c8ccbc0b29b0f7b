/**
 * importContacts: a CSV of contacts into a workspace, streamed (csv-parse over the bytes as they
 * come: rows are never all held, 1,000 distinct phones per batch, one upsert statement and one label
 * statement per batch). Every data row ends as exactly one of created, updated, skipped or an error
 * with its line: a bad row never stops the rest. Rows with the same phone (in the file, or an
 * existing contact's) merge into one contact.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountryCode } from 'libphonenumber-js';
import { CustomField } from '../entities/custom-field.entity';
import { Label } from '../entities/label.entity';
import { mapColumns, mergeRows, parseContactRow, type ColumnMapping, type ColumnTarget, type ContactRow } from './contact-row';

export interface ImportOptions {
  /** Labels put on every contact the import creates or updates. */
  labelIds: string[];
  /** false: a row for an existing contact is skipped (the contact is left as it is). */
  updateExisting: boolean;
  /** The country of numbers written without a country code; null: such numbers are errors. */
  defaultCountry: CountryCode | null;
  /** Which column is which; absent: headers are matched by name (phone, name, email, labels, opted_out, a field's key or name). */
  mapping?: ColumnMapping[] | null;
  /** Told the counts after each batch is written (`rows`: data rows read so far). */
  onProgress?: (result: ImportResult, rows: number) => Promise<void>;
  /** Told, after each batch is committed, which labels it newly put on which contacts (one already on is left out). */
  onLabelsAdded?: (added: { contactId: string; labelId: string }[]) => Promise<unknown>;
}

export interface ImportResult {
  created: number;
  updated: number;
  skipped: number;
  /** The first MAX_LISTED_ERRORS bad rows; errorCount counts them all. */
  errors: { line: number; message: string }[];
  errorCount: number;
  /** Header columns nothing took. */
  ignoredColumns: string[];
}

/** The file itself cannot be imported (no header, no phone column, a mapping naming no column): nothing was. */
export class ImportFileError extends Error {}

const BATCH = 1000;
export const MAX_LISTED_ERRORS = 1000;
/** The colour of a label an import creates because a row names it. */
const NEW_LABEL_COLOR = '#64748b';

/** Imports `csv` (bytes or text, in chunks) into the workspace. */
export async function importContacts(em: EntityManager, workspaceId: string, csv: AsyncIterable<Uint8Array | string> | Iterable<string>, options: ImportOptions): Promise<ImportResult> {
  const result: ImportResult = { created: 0, updated: 0, skipped: 0, errors: [], errorCount: 0, ignoredColumns: [] };
  const fail = (line: number, message: string) => {
    result.errorCount++;
    if (result.errors.length < MAX_LISTED_ERRORS) result.errors.push({ line, message });
  };
  const fields = (await em.find(CustomField, { workspaceId })).map((f) => ({ key: f.key, name: f.name, type: f.type, choices: f.choices ?? null }));
  const labels = new LabelNames(em, workspaceId, await em.find(Label, { workspaceId }));

  // Values are trimmed here, not by the parser: its trim refuses `"a"b` where relax_quotes keeps it.
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true, info: true });
  // pipe() does not pass the source's failure on (an upload refused as it streams in): the parser ends with it.
  Readable.from(csv)
    .on('error', (err) => parser.destroy(err))
    .pipe(parser);
  parser.on('skip', (err: Error & { lines?: number }) => fail(err.lines ?? 0, `is not valid CSV: ${err.message.replace(/ at line \d+.*$/, '')}`));

  let header: string[] | null = null;
  let targets: ColumnTarget[] = [];
  let batch = new Map<string, { row: ContactRow; rows: number }>();
  let rows = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // A quoted value may span lines: the row starts where its first line is.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    if (!header) {
      header = record;
      const mapped = mapColumns(header, fields, options.mapping);
      if ('error' in mapped) throw new ImportFileError(mapped.error);
      targets = mapped.targets;
      result.ignoredColumns = mapped.ignored;
      continue;
    }
    rows++;
    const row = parseContactRow(record, header, targets, options.defaultCountry);
    if ('error' in row) {
      fail(line, row.error);
      continue;
    }
    const seen = batch.get(row.contactKey);
    if (seen) {
      seen.row = mergeRows(seen.row, row);
      seen.rows++;
    } else {
      batch.set(row.contactKey, { row, rows: 1 });
    }
    if (batch.size >= BATCH) {
      await writeBatch(em, workspaceId, batch, options, labels, result);
      batch = new Map();
      await options.onProgress?.(result, rows);
    }
  }
  if (!header) throw new ImportFileError('the file is empty: the first line must name the columns (phone, name, …)');
  if (batch.size) await writeBatch(em, workspaceId, batch, options, labels, result);
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

interface UpsertedRow {
  id: string;
  contact_key: string;
  inserted: boolean;
}

/** One batch in one transaction: the contacts' upsert, then their labels. */
async function writeBatch(em: EntityManager, workspaceId: string, batch: Map<string, { row: ContactRow; rows: number }>, options: ImportOptions, labels: LabelNames, result: ImportResult): Promise<void> {
  const rows = [...batch.values()].map(({ row }) => ({
    id: randomUUID(),
    contact_key: row.contactKey,
    phone: row.phone,
    name: row.name ?? null,
    email: row.email ?? null,
    fields: row.fields,
    opted_out: row.optedOut ?? false,
  }));
  // Label names become ids (a label a row names that the workspace lacks is created) before the transaction.
  const rowLabelIds = new Map<string, string[]>();
  for (const { row } of batch.values()) if (row.labels?.length) rowLabelIds.set(row.contactKey, await labels.idsOf(row.labels));

  const added = await em.transactional(async (tx) => {
    // Blank cells change nothing; an import adds fields and can opt a contact out, never back in.
    const onConflict = options.updateExisting
      ? `do update set name = coalesce(excluded.name, ct.name), email = coalesce(excluded.email, ct.email), fields = ct.fields || excluded.fields,
           opted_out = ct.opted_out or excluded.opted_out,
           opted_out_at = case when excluded.opted_out and not ct.opted_out then now() else ct.opted_out_at end,
           opt_out_source = case when excluded.opted_out and not ct.opted_out then 'IMPORT' else ct.opt_out_source end,
           updated_at = now()`
      : 'do nothing';
    const upserted = await tx.execute<UpsertedRow[]>(
      `insert into contacts as ct (id, workspace_id, contact_key, phone, name, email, fields, opted_out, opted_out_at, opt_out_source)
         select r.id, ?, r.contact_key, r.phone, r.name, r.email, r.fields, r.opted_out,
           case when r.opted_out then now() end, case when r.opted_out then 'IMPORT' end
         from jsonb_to_recordset(?::jsonb) as r(id uuid, contact_key text, phone text, name text, email text, fields jsonb, opted_out boolean)
         on conflict (workspace_id, contact_key) ${onConflict}
         returning ct.id, ct.contact_key, (ct.xmax = 0) as inserted`,
      [workspaceId, JSON.stringify(rows)],
    );
    const written = new Map(upserted.map((r) => [r.contact_key, r]));
    const pairs: [string, string][] = [];
    for (const [key, { rows: count }] of batch) {
      const row = written.get(key);
      if (!row) {
        result.skipped += count;
        continue;
      }
      // The first row of a new contact created it; the same phone's other rows merged into it.
      const merged = row.inserted ? count - 1 : count;
      if (row.inserted) result.created++;
      if (options.updateExisting) result.updated += merged;
      else result.skipped += merged;
      for (const labelId of new Set([...options.labelIds, ...(rowLabelIds.get(key) ?? [])])) pairs.push([row.id, labelId]);
    }
    if (pairs.length === 0) return [];
    return tx.execute<{ contact_id: string; label_id: string }[]>(
      `insert into contact_labels (contact_id, label_id, workspace_id) select c, l, ? from unnest(?::uuid[], ?::uuid[]) as t(c, l)
         on conflict do nothing returning contact_id, label_id`,
      [workspaceId, `{${pairs.map(([c]) => c).join(',')}}`, `{${pairs.map(([, l]) => l).join(',')}}`],
    );
  });
  if (added.length) await options.onLabelsAdded?.(added.map((row) => ({ contactId: row.contact_id, labelId: row.label_id })));
}

/** The workspace's labels by name (any case), creating those a file names that it lacks. */
class LabelNames {
  private readonly ids: Map<string, string>;

  constructor(
    private readonly em: EntityManager,
    private readonly workspaceId: string,
    existing: Label[],
  ) {
    this.ids = new Map(existing.map((l) => [l.name.toLowerCase(), l.id]));
  }

  async idsOf(names: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) {
      let id = this.ids.get(name.toLowerCase());
      if (!id) {
        // Another import may create the same label meanwhile: the unique name keeps one, and it is read back.
        const [row] = await this.em.execute<{ id: string }[]>(
          `with made as (insert into labels (id, workspace_id, name, color) values (?, ?, ?, ?) on conflict do nothing returning id)
           select id from made union all select id from labels where workspace_id = ? and lower(name) = lower(?) limit 1`,
          [randomUUID(), this.workspaceId, name, NEW_LABEL_COLOR, this.workspaceId, name],
        );
        id = row.id;
        this.ids.set(name.toLowerCase(), id);
      }
      ids.push(id);
    }
    return ids;
  }
}
