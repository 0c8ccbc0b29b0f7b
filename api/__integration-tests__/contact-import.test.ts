/**
 * Contact import and export through the API (issue 12): a 2,000-row CSV uploaded as a GraphQL
 * multipart file (BOM, quoted commas, a multi-line value, bad phones, bad field values, an unquoted
 * comma, duplicates, local numbers, contacts that exist) gives exact counts and errors by line;
 * 100,000 rows stay under a memory budget; the export's signed URL streams the same columns back.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { CSRF_HEADERS, createWorkspace, gql, gqlOk, query, simulateInbound, subscribe, waitFor, type TestWorkspace } from '../../test/support/platform';
import { testApp } from '../../test/support/app';

const api = testApp();
const IMPORT = `mutation($i: ImportContactsInput!) { importContacts(input: $i) { created updated skipped errorCount errors { line message } ignoredColumns } }`;

/** A multipart GraphQL request (graphql-multipart-request-spec) with the CSV as `variables.i.file`. */
async function importFile(ws: TestWorkspace, csv: Blob, input: object = {}): Promise<any> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: IMPORT, variables: { i: { ...input, file: null } } }));
  form.set('map', JSON.stringify({ 0: ['variables.i.file'] }));
  form.set('0', csv, 'contacts.csv');
  const response = await fetch(`${api.url}/graphql`, { method: 'POST', body: form, headers: { ...CSRF_HEADERS, authorization: `Bearer ${ws.token}` } });
  return response.json();
}

/** A valid German mobile number, distinct per n. */
const mobile = (n: number) => `+49151${String(10_000_000 + n)}`;

/**
 * The 2,000 data rows, and what each should come to: line numbers are counted as written (one
 * value spans two lines).
 */
function twoThousandRows(): { csv: string; errorLines: { line: number; message: string }[] } {
  const lines = ['\uFEFFPhone,Name,Email,plan,Orders,Labels,Notes'];
  const errorLines: { line: number; message: string }[] = [];
  let line = 1;
  for (let i = 0; i < 2000; i++) {
    line++;
    // Every 50th row repeats the phone before it (merged), every 20th from 5 is written as a local number.
    const n = i % 50 === 49 ? i - 1 : i;
    let phone = n % 20 === 5 ? `0151 ${String(10_000_000 + n).replace(/^(\d{4})/, '$1 ')}` : mobile(n);
    if (i % 100 === 7) phone = i % 200 === 7 ? 'not-a-phone' : '12';
    const name = i % 10 === 0 ? `"Doe, Jane ${i}"` : `Person ${i}`;
    const orders = i % 250 === 3 ? 'many' : String(i % 7);
    const labels = i % 400 === 0 ? '"VIP; Newsletter"' : '';
    const notes = i === 1000 ? '"first line\nsecond line"' : 'n/a';
    if (i === 1501) {
      lines.push(`${phone},Smith, Bob,bob@example.com,Free,1,,n/a`);
      errorLines.push({ line, message: 'has 8 values, the header 7 (a comma inside a value needs quotes)' });
      continue;
    }
    lines.push(`${phone},${name},person${i}@example.com,${i % 2 ? 'Pro' : 'free'},${orders},${labels},${notes}`);
    if (i % 100 === 7) errorLines.push({ line, message: phone === '12' ? 'Phone: "12" is not a valid phone number' : 'Phone: "not-a-phone" is not a phone number' });
    else if (i % 250 === 3) errorLines.push({ line, message: 'Orders: must be a number' });
    if (i === 1000) line++;
  }
  return { csv: `${lines.join('\r\n')}\r\n`, errorLines };
}

describe('importContacts', () => {
  let ws: TestWorkspace;
  let imported: string;

  beforeAll(async () => {
    ws = await createWorkspace(api);
    await gqlOk(api, `mutation { createCustomField(input: { key: "plan", name: "Plan", type: CHOICE, choices: ["Free", "Pro"] }) { id } }`, {}, ws.token);
    await gqlOk(api, `mutation { createCustomField(input: { key: "orders", name: "Orders", type: NUMBER }) { id } }`, {}, ws.token);
    imported = (await gqlOk(api, `mutation { createLabel(input: { name: "Imported", color: "#123456" }) { id } }`, {}, ws.token)).createLabel.id;
    // Five customers who wrote before the import: their rows update them.
    for (let n = 10; n < 15; n++) await simulateInbound(api, ws, mobile(n), 'hi');
  });

  it('imports 2,000 rows with exact created, updated and errors by line', async () => {
    const { csv, errorLines } = twoThousandRows();
    const result = await importFile(ws, new Blob([csv], { type: 'text/csv' }), { labelIds: [imported], defaultCountry: 'de' });
    expect(result.errors).toBeUndefined();
    const { importContacts } = result.data;
    // 20 bad phones, 8 bad order counts, 1 row with an unquoted comma; 40 repeated phones and 5 existing contacts merge.
    expect(importContacts).toEqual({ created: 1926, updated: 45, skipped: 0, errorCount: 29, errors: errorLines, ignoredColumns: ['Notes'] });

    const [counts] = await query(api.databaseUrl, `select count(*)::int as contacts, count(*) filter (where exists (select 1 from contact_labels cl where cl.contact_id = c.id and cl.label_id = $2))::int as labelled from contacts c where workspace_id = $1`, [ws.workspaceId, imported]);
    expect(counts).toEqual({ contacts: 1931, labelled: 1931 });
    // A quoted comma stays in the name; a repeated phone took the later row's values; a local number became E.164.
    const byPhone = async (phone: string) => (await query(api.databaseUrl, 'select name, email, fields, first_seen_at from contacts where workspace_id = $1 and phone = $2', [ws.workspaceId, phone]))[0];
    expect(await byPhone(mobile(10))).toMatchObject({ name: 'Doe, Jane 10', email: 'person10@example.com', fields: { plan: 'Free', orders: 3 } });
    expect((await byPhone(mobile(10))).first_seen_at).not.toBeNull();
    expect(await byPhone(mobile(48))).toMatchObject({ name: 'Person 49', email: 'person49@example.com', fields: { plan: 'Pro', orders: 0 } });
    expect(await byPhone(mobile(25))).toMatchObject({ name: 'Person 25' });
    expect((await byPhone(mobile(20))).first_seen_at).toBeNull();
    // Labels named in the file are created and put on.
    const { labels } = await gqlOk(api, `{ labels { name contactCount } }`, {}, ws.token);
    expect(labels).toEqual([
      { name: 'Imported', contactCount: 1931 },
      { name: 'Newsletter', contactCount: 5 },
      { name: 'VIP', contactCount: 5 },
    ]);
  });

  it('skips existing contacts when told not to update them, and takes an explicit mapping', async () => {
    const csv = 'Tel,Who,Extra\n+4915110000000,Renamed,x\n+4915199999999,New One,y\n';
    const { importContacts } = (await gqlOk(api, IMPORT, { i: { csv, updateExisting: false, mapping: [{ column: 'Tel', field: 'phone' }, { column: 'Who', field: 'name' }] } }, ws.token));
    expect(importContacts).toEqual({ created: 1, updated: 0, skipped: 1, errorCount: 0, errors: [], ignoredColumns: ['Extra'] });
    expect((await query(api.databaseUrl, 'select name from contacts where workspace_id = $1 and phone = $2', [ws.workspaceId, mobile(0)]))[0].name).toBe('Doe, Jane 0');
  });

  it('refuses a file it cannot read, and local numbers without a default country', async () => {
    const bad = async (input: object) => (await gql(api, IMPORT, { i: input }, ws.token)).errors?.map((e: { message: string }) => e.message);
    expect(await bad({ csv: 'name,email\nA,a@example.com\n' })).toEqual(['csv: no phone column: name one phone, phone_number, phonenumber, mobile (or map one)']);
    expect(await bad({ csv: '' })).toEqual(['csv: the file is empty: the first line must name the columns (phone, name, …)']);
    expect(await bad({ csv: 'phone\n+4915110000000\n', file: null, defaultCountry: 'XX' })).toEqual(['defaultCountry: is not a country code like DE or US']);
    const local = (await gqlOk(api, IMPORT, { i: { csv: 'phone\n0151 10000000\n' } }, ws.token)).importContacts;
    expect(local.errors).toEqual([{ line: 2, message: 'phone: "0151 10000000" has no country code (+…): give a default country for local numbers' }]);
    const xlsx = await importFile(ws, new Blob([Buffer.from('504b0304140000000800', 'hex')]));
    expect(xlsx.errors.map((e: { message: string }) => e.message)).toEqual(['file: is a spreadsheet (XLSX), not a CSV: save it as CSV (UTF-8) and import that']);
    const other = await createWorkspace(api);
    expect(await bad({ csv: 'phone\n+4915110000000\n', labelIds: [imported] }).then(() => gql(api, IMPORT, { i: { csv: 'phone\n+4915110000000\n', labelIds: [imported] } }, other.token)).then((r) => r.errors?.[0].message)).toBe('labelIds: a label was not found');
  });

  it('exports the matching contacts as CSV with the same columns, from a short-lived signed URL', async () => {
    const vip = (await gqlOk(api, `{ labels { id name } }`, {}, ws.token)).labels.find((l: { name: string }) => l.name === 'VIP').id;
    const url = new URL((await gqlOk(api, `mutation($f: ContactFilterInput) { exportContacts(filter: $f) }`, { f: { labelIds: [vip] } }, ws.token)).exportContacts);
    const response = await fetch(`${api.url}${url.pathname}${url.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parse(await response.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0])).toEqual(['phone', 'name', 'email', 'labels', 'opted_out', 'plan', 'orders']);
    expect(rows.find((r) => r.phone === mobile(0))).toEqual({ phone: mobile(0), name: 'Doe, Jane 0', email: 'person0@example.com', labels: 'Imported; Newsletter; VIP', opted_out: 'false', plan: 'Free', orders: '0' });

    const tampered = url.search.replace(/signature=([0-9a-f])/, (_m, c) => `signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(`${api.url}${url.pathname}${tampered}`)).status).toBe(404);
  });
});

describe('contactImportProgress', () => {
  it('reports the counts after each batch of 1,000 rows and once more when done', async () => {
    const ws = await createWorkspace(api);
    const importId = randomUUID();
    const progress = subscribe(api, `subscription($id: ID!) { contactImportProgress(importId: $id) { importId rows created updated skipped errorCount done } }`, { id: importId }, ws.token);
    await progress.ready;
    const rows = Array.from({ length: 2500 }, (_, i) => `${mobile(500_000 + i)},Person ${i}`);
    rows[1234] = 'bad,Nobody';
    const result = await importFile(ws, new Blob([`phone,name\n${rows.join('\n')}\n`]), { importId });
    expect(result.data.importContacts).toMatchObject({ created: 2499, errorCount: 1 });
    await waitFor('the last progress event', async () => progress.events.some((e: any) => e.contactImportProgress.done));
    progress.close();
    expect(progress.events.map((e: any) => e.contactImportProgress)).toEqual([
      { importId, rows: 1000, created: 1000, updated: 0, skipped: 0, errorCount: 0, done: false },
      { importId, rows: 2001, created: 2000, updated: 0, skipped: 0, errorCount: 1, done: false },
      { importId, rows: 2500, created: 2499, updated: 0, skipped: 0, errorCount: 1, done: true },
    ]);
  });
});

describe('a 100,000-row import', () => {
  it('stays under its memory budget: rows are streamed and written in batches, never all held', async () => {
    const ws = await createWorkspace(api);
    const chunks: string[] = ['phone,name,email\n'];
    for (let i = 0; i < 100_000; i++) chunks.push(`${mobile(i)},"Customer ${i}, Ltd",c${i}@example.com\n`);
    const file = new Blob(chunks, { type: 'text/csv' });
    chunks.length = 0;
    // What holding every row would cost: the file parsed whole, as a reference in the same process.
    collectGarbage();
    const bare = process.memoryUsage().heapUsed;
    let held: unknown = parse(await file.text(), { columns: true });
    collectGarbage();
    const holdingAllMb = (process.memoryUsage().heapUsed - bare) / 2 ** 20;
    held = null;
    collectGarbage();

    // The live heap (after a collection) sampled through the import: what it holds, not its garbage.
    const before = process.memoryUsage();
    let peakLive = before.heapUsed;
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      collectGarbage();
      const now = process.memoryUsage();
      peakLive = Math.max(peakLive, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
    }, 1000);
    const started = performance.now();
    const result = await importFile(ws, file);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    expect(result.data.importContacts).toMatchObject({ created: 100_000, updated: 0, errorCount: 0 });
    const liveGrowthMb = (peakLive - before.heapUsed) / 2 ** 20;
    const rssGrowthMb = (peakRss - before.rss) / 2 ** 20;
    console.log(
      `100k import: ${seconds.toFixed(1)} s, file ${(file.size / 2 ** 20).toFixed(1)} MB, live heap +${liveGrowthMb.toFixed(1)} MB at most ` +
        `(holding every row: +${holdingAllMb.toFixed(1)} MB), RSS +${rssGrowthMb.toFixed(0)} MB at most`,
    );
    // The upload (held by the multipart parser, ~5 MB) and one batch of 1,000 rows at a time; the rows
    // held as parsed arrays alone are ~22 MB, as contacts to write several times that.
    expect(liveGrowthMb).toBeLessThan(40);
    expect(rssGrowthMb).toBeLessThan(250);
    const [{ n }] = await query(api.databaseUrl, 'select count(*)::int as n from contacts where workspace_id = $1', [ws.workspaceId]);
    expect(n).toBe(100_000);
    // ~25 s alone; five to eight times that when CI's two shards run crash suites beside it.
  }, 360_000);
});

/** A full collection now (V8's gc, exposed for this process: the test reads the live heap, not what waits to be collected). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
