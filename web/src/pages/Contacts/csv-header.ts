const HEAD_BYTES = 64 * 1024;

/**
 * The header and an estimate of the data rows of a CSV, read in the browser from the file's first
 * 64 KB (never the whole file): the header feeds the mapping step, the estimate the progress bar.
 */
export async function csvHeader(file: File): Promise<{ columns: string[]; sample: string[][]; estimatedRows: number }> {
  const headBytes = Math.min(file.size, HEAD_BYTES);
  const head = await file.slice(0, headBytes).text();
  const cut = file.size > HEAD_BYTES;
  const records = parseRecords(head.replace(/^\uFEFF/, ''));
  // The last record of a cut-off slice may be partial; it only counts toward the estimate.
  const complete = cut ? records.slice(0, -1) : records;
  const columns = (complete[0] ?? records[0] ?? []).map((c) => c.trim());
  const sample = complete.slice(1, 4);
  const dataRows = Math.max(complete.length - 1, 0);
  const estimatedRows = !cut ? dataRows : Math.round((dataRows / headBytes) * file.size);
  return { columns, sample, estimatedRows };
}

/** RFC 4180 records: quoted cells may hold commas, quotes ("") and line breaks. */
export function parseRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') { record.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || record.length) { record.push(cell); records.push(record); }
  return records.filter((r) => r.some((c) => c.trim() !== ''));
}
