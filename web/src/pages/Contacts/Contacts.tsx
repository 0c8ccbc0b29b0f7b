import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { createPagedVirtualizer } from '../../lib/paged-virtualizer';
import {
  addLabels, createSegment, deleteSegment, exportContacts, fetchContacts, fetchCustomFields, fetchLabels, fetchSegments, removeLabels, renameSegment,
  jsonValue, type ContactFilter, type ContactRow,
} from '../../graphql/contacts';
import { LabelChip } from '../../components/LabelChip';
import { ContactDrawer } from './ContactDrawer';
import { ImportDialog } from './ImportDialog';
import { LabelsAndFields } from './LabelsAndFields';

const PAGE = 200;
const ROW_HEIGHT = 44;
const SEARCH_DEBOUNCE_MS = 250;

/**
 * The contact book: a virtualized table over keyset pages (only the rows on screen are in the DOM, and
 * the next page loads as the scroll nears the end), filtered by search, label, field, segment, opt-out and
 * when the contact last wrote.
 */
export function Contacts() {
  const [labels, { refetch: refetchLabels }] = createResource(fetchLabels);
  const [fields, { refetch: refetchFields }] = createResource(fetchCustomFields);
  const [segments, { refetch: refetchSegments }] = createResource(fetchSegments);

  const [searchInput, setSearchInput] = createSignal('');
  const [search, setSearch] = createSignal('');
  const [labelId, setLabelId] = createSignal('');
  const [segmentId, setSegmentId] = createSignal('');
  const [optedOut, setOptedOut] = createSignal<'' | 'yes' | 'no'>('');
  const [fieldKey, setFieldKey] = createSignal('');
  const [fieldValue, setFieldValue] = createSignal('');
  const [seenFrom, setSeenFrom] = createSignal('');
  const [seenUntil, setSeenUntil] = createSignal('');

  const [rows, setRows] = createSignal<ContactRow[]>([]);
  const [total, setTotal] = createSignal<number | null>(null);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [hasMore, setHasMore] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal('');
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [open, setOpen] = createSignal<string | null>(null);
  const [dialog, setDialog] = createSignal<'import' | 'manage' | null>(null);
  const [bulkLabel, setBulkLabel] = createSignal('');
  const [notice, setNotice] = createSignal('');

  // Typing waits for a pause before it queries: one request per word, not per key.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onSearch = (v: string) => {
    setSearchInput(v);
    clearTimeout(timer);
    timer = setTimeout(() => setSearch(v.trim()), SEARCH_DEBOUNCE_MS);
  };
  onCleanup(() => clearTimeout(timer));

  const filter = (): ContactFilter => {
    const f: ContactFilter = {};
    if (search()) f.search = search();
    if (labelId()) f.labelIds = [labelId()];
    if (optedOut()) f.optedOut = optedOut() === 'yes';
    // The date inputs are whole local days, both ends included; the filter is [after, before).
    if (seenFrom()) f.lastSeenAfter = localDay(seenFrom(), 0).toISOString();
    if (seenUntil()) f.lastSeenBefore = localDay(seenUntil(), 1).toISOString();
    const key = fieldKey();
    if (key) {
      const def = fields()?.find((d) => d.key === key);
      const raw = fieldValue().trim();
      if (!raw) f.fields = [{ key, op: 'IS_SET' }];
      else if (def?.type === 'TEXT') f.fields = [{ key, op: 'CONTAINS', value: jsonValue(raw) }];
      else if (def?.type === 'NUMBER') f.fields = [{ key, op: 'EQ', value: jsonValue(Number(raw)) }];
      else if (def?.type === 'BOOLEAN') f.fields = [{ key, op: 'EQ', value: jsonValue(raw === 'true' || raw === 'yes') }];
      else f.fields = [{ key, op: 'EQ', value: jsonValue(raw) }];
    }
    return f;
  };

  // A new filter starts a new list; a request for an older filter that answers late is dropped.
  let generation = 0;
  let controller: AbortController | undefined;
  const loadPage = async (reset: boolean) => {
    if (!reset && (loading() || !hasMore())) return;
    const gen = reset ? ++generation : generation;
    if (reset) controller?.abort();
    controller = new AbortController();
    setLoading(true);
    setError('');
    try {
      const page = await fetchContacts({ first: PAGE, after: reset ? null : cursor(), filter: filter(), segmentId: segmentId() || null }, controller.signal);
      if (gen !== generation) return;
      const nodes = page.edges.map((e) => e.node);
      setRows(reset ? nodes : [...rows(), ...nodes]);
      setCursor(page.pageInfo.endCursor ?? null);
      setHasMore(page.pageInfo.hasNextPage);
      setTotal(page.totalCount);
    } catch (err) {
      if ((err as Error).name !== 'AbortError' && gen === generation) setError(errorMessage(err));
    } finally {
      if (gen === generation) setLoading(false);
    }
  };
  createEffect(on([search, labelId, segmentId, optedOut, fieldKey, fieldValue, seenFrom, seenUntil], () => {
    setSelected(new Set<string>());
    void loadPage(true);
  }));

  let scroller!: HTMLDivElement;
  const virtualizer = createPagedVirtualizer({ rows, scroller: () => scroller, rowHeight: ROW_HEIGHT, loadMore: () => void loadPage(false) });

  const toggle = (id: string) => {
    const next = new Set(selected());
    if (next.has(id)) next.delete(id); else next.add(id);
    setSelected(next);
  };
  const allLoadedSelected = () => rows().length > 0 && rows().every((r) => selected().has(r.id));
  const toggleAll = () => setSelected(allLoadedSelected() ? new Set<string>() : new Set(rows().map((r) => r.id)));

  const bulk = async (add: boolean) => {
    const ids = [...selected()];
    if (!ids.length || !bulkLabel()) return;
    try {
      const n = add ? await addLabels(ids, [bulkLabel()]) : await removeLabels(ids, [bulkLabel()]);
      setNotice(`${add ? 'Added to' : 'Removed from'} ${n} contact${n === 1 ? '' : 's'}`);
      refetchLabels();
      await loadPage(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const saveSegment = async () => {
    const name = prompt('Segment name');
    if (!name?.trim()) return;
    try {
      const s = await createSegment(name.trim(), filter());
      setNotice(`Saved segment “${s.name}” (${s.count})`);
      refetchSegments();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const chosenSegment = () => segments()?.find((s) => s.id === segmentId());
  const renameChosenSegment = async () => {
    const segment = chosenSegment();
    const name = segment && prompt('Segment name', segment.name);
    if (!segment || !name?.trim() || name.trim() === segment.name) return;
    try {
      const renamed = await renameSegment(segment.id, name.trim());
      setNotice(`Renamed the segment to “${renamed.name}”`);
      refetchSegments();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const deleteChosenSegment = async () => {
    const segment = chosenSegment();
    if (!segment || !confirm(`Delete the segment “${segment.name}”? Its contacts stay.`)) return;
    try {
      await deleteSegment(segment.id);
      setSegmentId('');
      setNotice(`Deleted the segment “${segment.name}”`);
      refetchSegments();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const doExport = async () => {
    try {
      const url = new URL(await exportContacts(filter()), location.origin);
      const a = document.createElement('a');
      // The dashboard is served by the api it talks to (as /graphql is): its own origin, whatever public URL the api was configured with.
      a.href = url.pathname + url.search;
      a.download = 'contacts.csv';
      a.dataset.testid = 'export-link';
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const refreshAll = () => {
    refetchLabels();
    refetchFields();
    refetchSegments();
    void loadPage(true);
  };

  return (
    <div class="page contacts-page">
      <header class="page-header">
        <div>
          <h1>Contacts</h1>
          <p class="muted" data-testid="contacts-total">{total() === null ? '…' : `${total()} contact${total() === 1 ? '' : 's'}`}</p>
        </div>
        <div class="row-actions">
          <button class="btn btn-secondary" data-testid="manage-labels" onClick={() => setDialog('manage')}>Labels & fields</button>
          <button class="btn btn-secondary" data-testid="export-contacts" onClick={() => void doExport()}>Export</button>
          <button class="btn btn-primary" data-testid="import-contacts" onClick={() => setDialog('import')}>Import CSV</button>
        </div>
      </header>

      <div class="contacts-toolbar">
        <input class="input" type="search" placeholder="Search name, phone or email" data-testid="contacts-search"
          value={searchInput()} onInput={(e) => onSearch(e.currentTarget.value)} />
        <select data-testid="filter-label" value={labelId()} onChange={(e) => setLabelId(e.currentTarget.value)}>
          <option value="">Any label</option>
          <For each={labels() ?? []}>{(l) => <option value={l.id}>{l.name} ({l.contactCount})</option>}</For>
        </select>
        <select data-testid="filter-segment" value={segmentId()} onChange={(e) => setSegmentId(e.currentTarget.value)}>
          <option value="">All contacts</option>
          <For each={segments() ?? []}>{(s) => <option value={s.id}>{s.name} ({s.count})</option>}</For>
        </select>
        <Show when={chosenSegment()}>
          <button class="btn btn-ghost btn-sm" data-testid="segment-rename" onClick={() => void renameChosenSegment()}>Rename</button>
          <button class="btn btn-ghost btn-sm" data-testid="segment-delete" onClick={() => void deleteChosenSegment()}>Delete</button>
        </Show>
        <select data-testid="filter-opted-out" value={optedOut()} onChange={(e) => setOptedOut(e.currentTarget.value as '' | 'yes' | 'no')}>
          <option value="">Opted in or out</option>
          <option value="no">Opted in</option>
          <option value="yes">Opted out</option>
        </select>
        <select data-testid="filter-field" value={fieldKey()} onChange={(e) => setFieldKey(e.currentTarget.value)}>
          <option value="">Any field</option>
          <For each={fields() ?? []}>{(f) => <option value={f.key}>{f.name}</option>}</For>
        </select>
        <Show when={fieldKey()}>
          <input class="input" placeholder="is set, or equals…" data-testid="filter-field-value" value={fieldValue()}
            onChange={(e) => setFieldValue(e.currentTarget.value)} />
        </Show>
        <label class="filter-date">Last seen from
          <input type="date" data-testid="filter-seen-from" value={seenFrom()} onChange={(e) => setSeenFrom(e.currentTarget.value)} /></label>
        <label class="filter-date">until
          <input type="date" data-testid="filter-seen-until" value={seenUntil()} onChange={(e) => setSeenUntil(e.currentTarget.value)} /></label>
        <button class="btn btn-ghost btn-sm" data-testid="save-segment" onClick={() => void saveSegment()}>Save as segment</button>
      </div>

      <Show when={selected().size > 0}>
        <div class="bulk-bar" data-testid="bulk-bar">
          <span data-testid="selected-count">{selected().size} selected</span>
          <select data-testid="bulk-label" value={bulkLabel()} onChange={(e) => setBulkLabel(e.currentTarget.value)}>
            <option value="">Choose a label</option>
            <For each={labels() ?? []}>{(l) => <option value={l.id}>{l.name}</option>}</For>
          </select>
          <button class="btn btn-primary btn-sm" data-testid="bulk-add-label" disabled={!bulkLabel()} onClick={() => void bulk(true)}>Add label</button>
          <button class="btn btn-secondary btn-sm" data-testid="bulk-remove-label" disabled={!bulkLabel()} onClick={() => void bulk(false)}>Remove label</button>
        </div>
      </Show>
      <Show when={notice()}><p class="notice" data-testid="contacts-notice">{notice()}</p></Show>
      <Show when={error()}><p class="field-error" role="alert" data-testid="contacts-error">{error()}</p></Show>

      <div class="contacts-table" role="table">
        <div class="contacts-row contacts-head" role="row">
          <span><input type="checkbox" aria-label="Select all loaded" data-testid="select-all" checked={allLoadedSelected()} onChange={toggleAll} /></span>
          <span>Name</span><span>Phone</span><span>Email</span><span>Labels</span><span>Last seen</span>
        </div>
        <div class="contacts-scroll" ref={scroller} data-testid="contacts-scroll">
          <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            <For each={virtualizer.getVirtualItems()}>
              {(item) => {
                const row = () => rows()[item.index];
                return (
                  <Show when={row()}>
                    {(c) => (
                      <div class="contacts-row" role="row" data-testid="contact-row" data-phone={c().phone} data-index={item.index}
                        classList={{ selected: selected().has(c().id) }}
                        style={{ position: 'absolute', top: 0, left: 0, right: 0, height: `${ROW_HEIGHT}px`, transform: `translateY(${item.start}px)` }}
                        onClick={() => setOpen(c().id)}>
                        <span onClick={(e) => e.stopPropagation()}>
                          <input type="checkbox" aria-label={`Select ${c().name ?? c().phone}`} data-testid="contact-select"
                            checked={selected().has(c().id)} onChange={() => toggle(c().id)} />
                        </span>
                        <span class="cell-name" data-testid="contact-name">{c().name ?? '—'}{c().optedOut ? <em class="muted"> · opted out</em> : null}</span>
                        <span>{c().phone}</span>
                        <span class="muted">{c().email ?? ''}</span>
                        <span class="chips">
                          <For each={c().labels}>{(l) => <LabelChip name={l.name} color={l.color} />}</For>
                        </span>
                        <span class="muted">{c().lastSeenAt ? new Date(c().lastSeenAt!).toLocaleDateString() : 'never'}</span>
                      </div>
                    )}
                  </Show>
                );
              }}
            </For>
          </div>
          <Show when={!loading() && rows().length === 0}><div class="empty-state small" data-testid="contacts-empty">No contacts match.</div></Show>
        </div>
      </div>

      <Show when={open()}>
        {(id) => <ContactDrawer contactId={id()} labels={labels() ?? []} fields={fields() ?? []}
          onClose={() => setOpen(null)} onChanged={() => { refetchLabels(); void loadPage(true); }} />}
      </Show>
      <Show when={dialog() === 'import'}>
        <ImportDialog fields={fields() ?? []} labels={labels() ?? []} onClose={() => setDialog(null)} onDone={refreshAll} />
      </Show>
      <Show when={dialog() === 'manage'}>
        <LabelsAndFields labels={labels() ?? []} fields={fields() ?? []} onClose={() => setDialog(null)} onChanged={refreshAll} />
      </Show>
    </div>
  );
}

/** Local midnight of a `YYYY-MM-DD` date input's value, `plusDays` later. */
function localDay(value: string, plusDays: number): Date {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays);
}
