import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { LabelChip } from '../../components/LabelChip';
import { CloseIcon } from '../../components/Icons';
import { errorMessage } from '../../graphql/client';
import { fetchAudienceCount, type AudienceCount, type BroadcastAudience } from '../../graphql/broadcasts';
import { fetchContacts, type ContactLabel, type ContactRow, type Segment } from '../../graphql/contacts';
import type { AudienceMode } from './broadcast-draft';

/** The count waits for the picker to settle: one request per choice, not per click in a row of them. */
const COUNT_DEBOUNCE_MS = 300;
const SEARCH_DEBOUNCE_MS = 250;

export interface AudiencePickerProps {
  mode: AudienceMode;
  onMode(mode: AudienceMode): void;
  labels: ContactLabel[];
  segments: Segment[];
  labelIds: string[];
  onLabelIds(ids: string[]): void;
  segmentId: string;
  onSegmentId(id: string): void;
  /** The chosen contacts (their rows, so the chips and the preview can show them). */
  contacts: ContactRow[];
  onContacts(rows: ContactRow[]): void;
  /** A saved draft's chosen contacts not shown as chips (beyond the first ones loaded). */
  moreCount: number;
  onClearMore(): void;
  /** The audience as the picker means it now (null: nothing chosen). */
  audience: BroadcastAudience | null;
  error?: string;
}

/** Labels, a segment or chosen contacts, with the live count of who that is and how many a broadcast would reach. */
export function AudiencePicker(props: AudiencePickerProps) {
  const [count, setCount] = createSignal<AudienceCount | null>(null);
  const [counting, setCounting] = createSignal(false);
  const [countError, setCountError] = createSignal('');

  // A newer choice aborts the count still on its way, so a slow answer never overwrites a fresh one.
  createEffect(on(() => JSON.stringify(props.audience), () => {
    const audience = props.audience;
    setCountError('');
    if (!audience) {
      setCount(null);
      setCounting(false);
      return;
    }
    setCounting(true);
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const c = await fetchAudienceCount(audience, controller.signal);
        if (!controller.signal.aborted) setCount(c);
      } catch (err) {
        if ((err as Error).name !== 'AbortError' && !controller.signal.aborted) setCountError(errorMessage(err));
      } finally {
        if (!controller.signal.aborted) setCounting(false);
      }
    }, COUNT_DEBOUNCE_MS);
    onCleanup(() => {
      clearTimeout(timer);
      controller.abort();
    });
  }));

  const toggleLabel = (id: string) =>
    props.onLabelIds(props.labelIds.includes(id) ? props.labelIds.filter((l) => l !== id) : [...props.labelIds, id]);

  return (
    <div class="audience-picker" data-testid="audience-picker">
      <div class="segmented segmented-inline" role="tablist" aria-label="Audience">
        <For each={[['LABELS', 'Labels'], ['SEGMENT', 'Segment'], ['CONTACTS', 'Chosen contacts']] as const}>
          {([mode, label]) => (
            <button type="button" role="tab" aria-selected={props.mode === mode} classList={{ active: props.mode === mode }}
              data-testid={`audience-mode-${mode.toLowerCase()}`} onClick={() => props.onMode(mode)}>{label}</button>
          )}
        </For>
      </div>

      <Show when={props.mode === 'LABELS'}>
        <Show when={props.labels.length > 0} fallback={<p class="muted">No labels yet: create them on the Contacts page.</p>}>
          <p class="muted small-text">Contacts with any of these labels:</p>
          <div class="audience-labels">
            <For each={props.labels}>
              {(l) => (
                <label class="audience-label" classList={{ selected: props.labelIds.includes(l.id) }} data-testid="audience-label" data-label-id={l.id}>
                  <input type="checkbox" checked={props.labelIds.includes(l.id)} onChange={() => toggleLabel(l.id)} />
                  <LabelChip name={l.name} color={l.color} />
                  <span class="muted small-text">{l.contactCount}</span>
                </label>
              )}
            </For>
          </div>
        </Show>
      </Show>

      <Show when={props.mode === 'SEGMENT'}>
        <select data-testid="audience-segment" value={props.segmentId} onChange={(e) => props.onSegmentId(e.currentTarget.value)}>
          <option value="">Choose a segment</option>
          <For each={props.segments}>{(s) => <option value={s.id}>{s.name} ({s.count})</option>}</For>
        </select>
        <Show when={props.segments.length === 0}><p class="muted small-text">Save a filter as a segment on the Contacts page.</p></Show>
      </Show>

      <Show when={props.mode === 'CONTACTS'}>
        <ContactChooser chosen={props.contacts} onChosen={props.onContacts} moreCount={props.moreCount} onClearMore={props.onClearMore} />
      </Show>

      <div class="audience-count" data-testid="audience-count" aria-live="polite" data-total={count()?.total ?? ''} data-sendable={count()?.sendable ?? ''}
        classList={{ pending: counting() }}>
        <Show when={props.audience} fallback={<span class="muted">Choose who gets it.</span>}>
          <Show when={count()} fallback={<span class="muted">Counting…</span>}>
            {(c) => (
              <>
                <strong data-testid="audience-total">{c().total}</strong> contact{c().total === 1 ? '' : 's'} ·{' '}
                <strong data-testid="audience-sendable">{c().sendable}</strong> will get it
                <Show when={c().total > c().sendable}>
                  <span class="muted"> ({c().total - c().sendable} opted out or blocked: skipped)</span>
                </Show>
              </>
            )}
          </Show>
        </Show>
      </div>
      <Show when={countError() || props.error}>
        <div class="field-error" role="alert" data-testid="audience-error">{props.error || countError()}</div>
      </Show>
    </div>
  );
}

/** Search the contact book and pick contacts one by one. */
function ContactChooser(props: { chosen: ContactRow[]; onChosen(rows: ContactRow[]): void; moreCount: number; onClearMore(): void }) {
  const [search, setSearch] = createSignal('');
  const [found, setFound] = createSignal<ContactRow[]>([]);
  createEffect(on(search, (q) => {
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const page = await fetchContacts({ first: 8, filter: q.trim() ? { search: q.trim() } : {} }, controller.signal);
        setFound(page.edges.map((e) => e.node));
      } catch {
        if (!controller.signal.aborted) setFound([]);
      }
    }, SEARCH_DEBOUNCE_MS);
    onCleanup(() => {
      clearTimeout(timer);
      controller.abort();
    });
  }));
  const chosenIds = () => new Set(props.chosen.map((c) => c.id));
  return (
    <div class="contact-chooser">
      <Show when={props.chosen.length > 0}>
        <div class="chips" data-testid="audience-chosen">
          <For each={props.chosen}>
            {(c) => (
              <span class="chip chip-removable" data-testid="audience-chosen-contact">
                {c.name ?? c.phone}
                <button type="button" class="icon-button" aria-label={`Remove ${c.name ?? c.phone}`} onClick={() => props.onChosen(props.chosen.filter((x) => x.id !== c.id))}>
                  <CloseIcon width="12" height="12" />
                </button>
              </span>
            )}
          </For>
        </div>
      </Show>
      <Show when={props.moreCount > 0}>
        <span class="muted small-text" data-testid="audience-chosen-more">
          and {props.moreCount} more <button type="button" class="link-button" onClick={() => props.onClearMore()}>remove them</button>
        </span>
      </Show>
      <input class="input" type="search" placeholder="Search name, phone or email" data-testid="audience-contact-search"
        value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
      <ul class="contact-results">
        <For each={found().filter((c) => !chosenIds().has(c.id))}>
          {(c) => (
            <li>
              <button type="button" class="link-button" data-testid="audience-contact-add" data-phone={c.phone} onClick={() => props.onChosen([...props.chosen, c])}>
                + {c.name ?? c.phone} <span class="muted">{c.name ? c.phone : ''}{c.optedOut ? ' · opted out' : ''}</span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
