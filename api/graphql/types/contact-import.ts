/** importContacts (a CSV, streamed in) and exportContacts (a signed URL that streams one out). */
import { z } from 'zod';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, validate } from '../errors';
import { CONTACT_COLUMNS, supportedCountry } from '../../../schema/contacts/contact-row';
import { ImportFileError, importContacts, type ImportResult } from '../../../schema/contacts/import-contacts';
import { signedExportPath } from '../../auth/export-url';
import { ContactFilterInput, checkedContactFilter } from './contact-filter-input';
import { checkAllInWorkspace } from './label';
import { publish } from '../../../activities/events';
import { startLabelFlows } from '../../../activities/flows/start-label-flows';

const counts = ({ created, updated, skipped, errorCount }: ImportResult) => ({ created, updated, skipped, errorCount });

/** A pasted CSV, at most (a larger one is a file to upload). */
const MAX_PASTED_CSV_CHARS = 1_000_000;

const ColumnMappingInput = builder.inputType('ColumnMappingInput', {
  description: `The file's column \`column\` (its header) fills \`field\`: ${CONTACT_COLUMNS.join(', ')}, or a custom field's key; "" leaves it out.`,
  fields: (t) => ({ column: t.string({ required: true }), field: t.string({ required: true }) }),
});

const ImportContactsInput = builder.inputType('ImportContactsInput', {
  description: 'Exactly one of file or csv. The first line names the columns.',
  fields: (t) => ({
    file: t.field({ type: 'File', description: 'A CSV file (UTF-8, a BOM is fine), up to the upload limit; read as it streams in.' }),
    csv: t.string({ description: `The CSV as text (up to ${MAX_PASTED_CSV_CHARS.toLocaleString('en')} characters).` }),
    labelIds: t.idList({ description: 'Put on every contact the import creates or updates.' }),
    updateExisting: t.boolean({ defaultValue: true, description: 'false: rows for contacts that exist are skipped.' }),
    defaultCountry: t.string({ description: 'ISO country (DE, US, MX…) of numbers written without +country code; without it they are errors.' }),
    importId: t.id({ description: 'An id of the client\'s choosing (a UUID): contactImportProgress(importId) reports this import\'s progress.' }),
    mapping: t.field({ type: [ColumnMappingInput], description: 'Which column is which; without it headers are matched by name (phone, name, email, labels, opted_out, a field key or name).' }),
  }),
});

const ImportErrorType = builder.objectRef<{ line: number; message: string }>('ContactImportError').implement({
  fields: (t) => ({ line: t.exposeInt('line', { description: 'The line of the file (the header is line 1).' }), message: t.exposeString('message') }),
});

const ImportResultType = builder.objectRef<ImportResult>('ContactImportResult').implement({
  description: 'Each data row is exactly one of created, updated, skipped or an error.',
  fields: (t) => ({
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated', { description: "Rows merged into a contact that existed (or that an earlier row of the file created)." }),
    skipped: t.exposeInt('skipped', { description: 'Rows for existing contacts when updateExisting is false.' }),
    errors: t.field({ type: [ImportErrorType], description: 'Bad rows, by line (the first 1,000).', resolve: (r) => r.errors }),
    errorCount: t.exposeInt('errorCount'),
    ignoredColumns: t.exposeStringList('ignoredColumns', { description: 'Header columns nothing took.' }),
  }),
});

const uuid = z.string().uuid('is not a valid id');
const importSchema = z
  .object({
    file: z.custom<File>((value) => value instanceof Object, 'must be an uploaded file').nullish(),
    csv: z.string().max(MAX_PASTED_CSV_CHARS, `is longer than ${MAX_PASTED_CSV_CHARS} characters: upload it as a file`).nullish(),
    labelIds: z.array(uuid).max(20, 'has more than 20 labels').nullish(),
    updateExisting: z.boolean().nullish(),
    defaultCountry: z
      .string()
      .transform((c, ctx) => supportedCountry(c) ?? (ctx.addIssue({ code: 'custom', message: 'is not a country code like DE or US' }), z.NEVER))
      .nullish(),
    importId: z.string().uuid('is not a valid id').nullish(),
    mapping: z.array(z.object({ column: z.string().min(1, 'must not be empty').max(200), field: z.string().max(64) })).max(200).nullish(),
  })
  .refine((i) => (i.file == null) !== (i.csv == null), { message: 'give exactly one of file or csv', path: ['file'] });

builder.mutationField('importContacts', (t) =>
  t.field({
    type: ImportResultType,
    description: 'OWNER / ADMIN: contacts from a CSV, merged by phone (E.164). A bad row is reported with its line and the rest are imported. A live flow whose trigger is label_added with a label the import newly puts on a contact (labelIds or the labels column) starts in that contact\'s most recent conversation, as addLabels does.',
    args: { input: t.arg({ type: ImportContactsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(importSchema, { ...args.input, labelIds: args.input.labelIds?.map(String), importId: args.input.importId == null ? args.input.importId : String(args.input.importId) });
      const em = ctx.orm.em.fork();
      const labelIds = [...new Set(input.labelIds ?? [])];
      if (labelIds.length) await checkAllInWorkspace(em, workspaceId, 'labels', labelIds, 'labelIds', 'label');
      const source = input.file ? checkedCsvFile(input.file, ctx.config.knowledge.maxUploadBytes) : [input.csv!];
      const importId = input.importId;
      const progress = (result: ImportResult, rows: number, done: boolean) =>
        importId ? publish(ctx.orm.em.fork(), { type: 'contactImportProgress', workspaceId, importId, rows, ...counts(result), done }) : Promise.resolve();
      try {
        const result = await importContacts(em, workspaceId, source, {
          labelIds,
          updateExisting: input.updateExisting ?? true,
          defaultCountry: input.defaultCountry ?? null,
          mapping: input.mapping,
          onProgress: (soFar, rows) => progress(soFar, rows, false),
          // As addLabels: a live flow whose trigger is a label the import newly put on starts for that contact.
          onLabelsAdded: (added) => startLabelFlows(ctx, workspaceId, added),
        });
        await progress(result, result.created + result.updated + result.skipped + result.errorCount, true);
        return result;
      } catch (err) {
        if (err instanceof ImportFileError) throw badInput(`${input.file ? 'file' : 'csv'}: ${err.message}`, input.file ? 'file' : 'csv');
        throw err;
      }
    },
  }),
);

/**
 * The upload's bytes as they stream, refused (BAD_USER_INPUT on `file`) when too large or when its
 * start is not text: a spreadsheet (XLSX is a ZIP, XLS an OLE file) or any binary, whatever its name.
 */
async function* checkedCsvFile(file: File, maxBytes: number): AsyncGenerator<Uint8Array> {
  if (file.size > maxBytes) throw new ImportFileError(`larger than ${Math.floor(maxBytes / (1024 * 1024))} MB`);
  if (file.size === 0) throw new ImportFileError('is empty');
  let first = true;
  for await (const chunk of file.stream() as unknown as AsyncIterable<Uint8Array>) {
    if (first) {
      first = false;
      const start = chunk.subarray(0, 4096);
      if (start[0] === 0x50 && start[1] === 0x4b) throw new ImportFileError('is a spreadsheet (XLSX), not a CSV: save it as CSV (UTF-8) and import that');
      if (start.includes(0) || !isUtf8Start(start)) throw new ImportFileError('is not a CSV text file (UTF-8)');
    }
    yield chunk;
  }
}

/** The bytes decode as UTF-8, a character cut at the end of the sample aside. */
function isUtf8Start(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, trimPartial(bytes)));
    return true;
  } catch {
    return false;
  }
}

function trimPartial(bytes: Uint8Array): number {
  let end = bytes.length;
  // Back up over continuation bytes to the lead byte of a character the sample may have cut.
  for (let i = 0; i < 4 && end > 0 && (bytes[end - 1] & 0xc0) === 0x80; i++) end--;
  if (end > 0 && bytes[end - 1] >= 0xc0) end--;
  return end;
}

builder.mutationField('exportContacts', (t) =>
  t.field({
    type: 'String',
    description: 'OWNER / ADMIN: a download URL (valid 5 minutes) for the matching contacts as CSV, with the columns importContacts reads.',
    args: { filter: t.arg({ type: ContactFilterInput }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const { filter } = await checkedContactFilter(ctx.orm.em.fork(), workspaceId, args.filter);
      return new URL(signedExportPath(ctx.config.jwtSecret, workspaceId, filter), ctx.config.publicUrl).toString();
    },
  }),
);
