import { createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { uploadContacts, watchImport, type ContactLabel, type CustomField, type ImportProgressEvent, type ImportResult } from '../../graphql/contacts';
import { csvHeader } from './csv-header';

const BUILT_IN = [
  { field: 'phone', name: 'Phone' },
  { field: 'name', name: 'Name' },
  { field: 'email', name: 'Email' },
  { field: 'labels', name: 'Labels' },
  { field: 'opted_out', name: 'Opted out' },
];

/**
 * Import in steps: pick a CSV, map its columns (the header read here in the browser, each column
 * guessed by name), upload it with an importId, follow contactImportProgress, then the result with bad rows by line.
 */
export function ImportDialog(props: { fields: CustomField[]; labels: ContactLabel[]; onClose(): void; onDone(): void }) {
  const [step, setStep] = createSignal<'pick' | 'map' | 'upload' | 'done'>('pick');
  const [file, setFile] = createSignal<File | null>(null);
  const [columns, setColumns] = createSignal<string[]>([]);
  const [sample, setSample] = createSignal<string[][]>([]);
  const [estimate, setEstimate] = createSignal(0);
  const [mapping, setMapping] = createSignal<Record<string, string>>({});
  const [country, setCountry] = createSignal('');
  const [updateExisting, setUpdateExisting] = createSignal(true);
  const [labelId, setLabelId] = createSignal('');
  const [progress, setProgress] = createSignal<ImportProgressEvent | null>(null);
  const [result, setResult] = createSignal<ImportResult | null>(null);
  const [error, setError] = createSignal('');
  let unsubscribe: (() => void) | undefined;
  onCleanup(() => unsubscribe?.());

  const targets = () => [...BUILT_IN, ...props.fields.map((f) => ({ field: f.key, name: f.name }))];

  const pick = async (f: File | undefined) => {
    if (!f) return;
    setError('');
    try {
      const header = await csvHeader(f);
      if (!header.columns.length) throw new Error('The file has no header line.');
      setFile(f);
      setColumns(header.columns);
      setSample(header.sample);
      setEstimate(header.estimatedRows);
      setMapping(Object.fromEntries(header.columns.map((c) => [c, guess(c, targets())])));
      setStep('map');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const start = () => {
    const f = file();
    if (!f) return;
    const importId = crypto.randomUUID();
    setStep('upload');
    setError('');
    let started = false;
    // The upload starts once the progress stream is open, so the first batch's event is not missed.
    const upload = () => {
      if (started) return;
      started = true;
      const options = {
        importId, updateExisting: updateExisting(),
        mapping: Object.entries(mapping()).map(([column, field]) => ({ column, field })),
        ...(country().trim() ? { defaultCountry: country().trim().toUpperCase() } : {}),
        ...(labelId() ? { labelIds: [labelId()] } : {}),
      };
      uploadContacts(f, options)
        .then((r) => { setResult(r); setStep('done'); props.onDone(); })
        .catch((err) => { setError(errorMessage(err)); setStep('map'); })
        .finally(() => unsubscribe?.());
    };
    // Without the stream (it failed) the import still runs; only the bar waits for the result.
    unsubscribe = watchImport(importId, setProgress, upload, upload);
  };

  const share = () => {
    const p = progress();
    if (step() === 'done') return 1;
    if (!p || !estimate()) return 0;
    return Math.min(p.rows / estimate(), 0.99);
  };
  const hasPhone = () => Object.values(mapping()).includes('phone');

  return (
    <div class="drawer-backdrop" onClick={props.onClose}>
      <div class="modal" role="dialog" aria-label="Import contacts" data-testid="import-dialog" onClick={(e) => e.stopPropagation()}>
        <header class="drawer-header">
          <h2>Import contacts</h2>
          <button class="btn btn-ghost btn-sm" data-testid="import-close" onClick={props.onClose}>Close</button>
        </header>
        <Show when={error()}><p class="field-error" role="alert" data-testid="import-error">{error()}</p></Show>
        <Switch>
          <Match when={step() === 'pick'}>
            <label class="field">
              <span>A CSV file whose first line names the columns</span>
              <input type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => void pick(e.currentTarget.files?.[0])} />
            </label>
          </Match>
          <Match when={step() === 'map'}>
            <p class="muted">{file()?.name} · about {estimate()} rows. Choose what each column fills.</p>
            <table class="mapping-table" data-testid="import-mapping">
              <thead><tr><th>Column</th><th>Example</th><th>Fills</th></tr></thead>
              <tbody>
                <For each={columns()}>
                  {(column, i) => (
                    <tr>
                      <td>{column}</td>
                      <td class="muted">{sample()[0]?.[i()] ?? ''}</td>
                      <td>
                        <select data-testid="import-map" data-column={column} value={mapping()[column] ?? ''}
                          onChange={(e) => setMapping({ ...mapping(), [column]: e.currentTarget.value })}>
                          <option value="">Don’t import</option>
                          <For each={targets()}>{(t) => <option value={t.field}>{t.name}</option>}</For>
                        </select>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <div class="field-row">
              <label class="field field-compact"><span>Country of local numbers</span>
                <input placeholder="e.g. DE" maxLength={2} data-testid="import-country" value={country()} onInput={(e) => setCountry(e.currentTarget.value)} /></label>
              <label class="field field-compact"><span>Label every imported contact</span>
                <select data-testid="import-label" value={labelId()} onChange={(e) => setLabelId(e.currentTarget.value)}>
                  <option value="">No label</option>
                  <For each={props.labels}>{(l) => <option value={l.id}>{l.name}</option>}</For>
                </select></label>
            </div>
            <label class="toggle-row"><input type="checkbox" data-testid="import-update-existing" checked={updateExisting()}
              onChange={(e) => setUpdateExisting(e.currentTarget.checked)} /><span>Update contacts that already exist</span></label>
            <Show when={!hasPhone()}><p class="field-error">Map one column to Phone.</p></Show>
            <button class="btn btn-primary" data-testid="import-start" disabled={!hasPhone()} onClick={start}>Import</button>
          </Match>
          <Match when={step() === 'upload' || step() === 'done'}>
            <div class="progress" role="progressbar" aria-valuenow={Math.round(share() * 100)} aria-valuemin={0} aria-valuemax={100} data-testid="import-progress">
              <div class="progress-fill" style={{ width: `${share() * 100}%` }} />
            </div>
            <p class="muted" data-testid="import-progress-text">
              {progress() ? `${progress()!.rows} rows read · ${progress()!.created} created · ${progress()!.updated} updated` : 'Uploading…'}
            </p>
          </Match>
        </Switch>
        <Show when={result()}>
          {(r) => (
            <div class="import-result" data-testid="import-result">
              <p>
                <strong data-testid="import-created">{r().created}</strong> created · <strong data-testid="import-updated">{r().updated}</strong> updated ·{' '}
                <strong data-testid="import-skipped">{r().skipped}</strong> skipped · <strong data-testid="import-error-count">{r().errorCount}</strong> with errors
              </p>
              <Show when={r().ignoredColumns.length}><p class="muted">Columns not imported: {r().ignoredColumns.join(', ')}</p></Show>
              <Show when={r().errors.length}>
                <table class="mapping-table" data-testid="import-bad-rows">
                  <thead><tr><th>Line</th><th>Problem</th></tr></thead>
                  <tbody>
                    <For each={r().errors}>{(e) => <tr data-testid="import-bad-row" data-line={e.line}><td>{e.line}</td><td>{e.message}</td></tr>}</For>
                  </tbody>
                </table>
              </Show>
              <button class="btn btn-primary btn-sm" data-testid="import-finish" onClick={props.onClose}>Done</button>
            </div>
          )}
        </Show>
      </div>
    </div>
  );
}

/** The target a header most likely means: same key or name, ignoring case, spaces and punctuation. */
function guess(column: string, targets: { field: string; name: string }[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const c = norm(column);
  const aliases: Record<string, string> = { mobile: 'phone', phonenumber: 'phone', whatsapp: 'phone', fullname: 'name', emailaddress: 'email', tags: 'labels' };
  return targets.find((t) => norm(t.field) === c || norm(t.name) === c)?.field ?? aliases[c] ?? '';
}
