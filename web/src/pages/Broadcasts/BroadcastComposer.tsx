import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { errorMessage, fieldErrors } from '../../graphql/client';
import { createBroadcast, deleteBroadcast, fetchBroadcast, startBroadcast, updateBroadcast, type BroadcastTemplateInput } from '../../graphql/broadcasts';
import { fetchContact, fetchContacts, fetchCustomFields, fetchLabels, fetchSegments, type ContactRow } from '../../graphql/contacts';
import { fetchChannels } from '../../graphql/operations';
import { navigate } from '../../lib/router';
import { canManage, useViewer } from '../../lib/session';
import { FieldError } from '../Settings/FieldError';
import { AudiencePicker } from './AudiencePicker';
import { audienceOf, broadcastInput, draftOf, emptyDraft, errorSection, variableHints, type ComposerDraft } from './broadcast-draft';
import { MessageEditor } from './MessageEditor';
import { PreviewPanel } from './PreviewPanel';

/** Contacts of the audience the preview offers (the first ones; the count says how many there are). */
const PREVIEW_CONTACTS = 25;
/** A saved draft's chosen contacts shown as chips (the rest count as "and N more"). */
const CHIPS_LOADED = 100;
/** The error section each draft field's errors show in (as errorSection files the server's). */
const SECTION_OF: Record<keyof ComposerDraft, string> = {
  name: 'name', channelId: 'channelId', messageKind: 'text', text: 'text',
  templateName: 'template.name', templateLanguage: 'template.language', templateVariables: 'template.variables',
  audienceMode: 'audience', labelIds: 'audience', segmentId: 'audience', contactIds: 'audience',
  schedule: 'scheduledAt', scheduledAt: 'scheduledAt', ratePerMinute: 'ratePerMinute',
};

/**
 * The broadcast composer (a new broadcast, or a saved draft's edit when `broadcastId` is given): name, channel, audience (with its live count), the message with its
 * variables or a Cloud API template, a preview per contact, schedule and pace. Saves a DRAFT, or
 * creates and starts it (now, or at the scheduled time); the server's input errors show at their field.
 */
export function BroadcastComposer(props: { broadcastId?: string }) {
  const viewer = useViewer();
  const manages = () => !viewer()?.role || canManage(viewer()!.role);
  const [channels] = createResource(fetchChannels);
  const [labels] = createResource(fetchLabels);
  const [segments] = createResource(fetchSegments);
  const [fields] = createResource(fetchCustomFields);

  const [draft, setDraft] = createStore(emptyDraft());
  const [chosen, setChosen] = createSignal<ContactRow[]>([]);
  // A saved draft's chosen contacts beyond the chips loaded: still in its audience.
  const [moreIds, setMoreIds] = createSignal<string[]>([]);
  const [loading, setLoading] = createSignal(!!props.broadcastId);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  if (props.broadcastId) {
    void (async () => {
      try {
        const saved = await fetchBroadcast(props.broadcastId!);
        if (!saved || saved.status !== 'DRAFT') return navigate(saved ? `/broadcasts/${saved.id}` : '/broadcasts', { replace: true });
        const d = draftOf(saved);
        const rows = await Promise.all(d.contactIds.slice(0, CHIPS_LOADED).map((id) => fetchContact(id).catch(() => null)));
        setChosen(rows.filter((r): r is NonNullable<typeof r> => !!r));
        setMoreIds(d.contactIds.slice(CHIPS_LOADED));
        setDraft(d);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    })();
  }
  const chosenIds = () => [...chosen().map((c) => c.id), ...moreIds()];

  createEffect(() => {
    if (loading()) return;
    const list = channels() ?? [];
    if (!list.some((c) => c.id === draft.channelId) && list[0]) setDraft('channelId', list[0].id);
  });
  const channel = () => channels()?.find((c) => c.id === draft.channelId);
  const cloud = () => channel()?.kind === 'CLOUD_API';
  createEffect(() => {
    if (!cloud() && draft.messageKind === 'TEMPLATE') setDraft('messageKind', 'TEXT');
  });

  const audience = () => audienceOf({ audienceMode: draft.audienceMode, labelIds: [...draft.labelIds], segmentId: draft.segmentId, contactIds: chosenIds() });

  // The preview's contacts: the chosen ones, or the first of the label's or segment's.
  const [audienceContacts, setAudienceContacts] = createSignal<ContactRow[]>([]);
  createEffect(on(() => JSON.stringify(audience()), () => {
    const a = audience();
    if (!a) return setAudienceContacts([]);
    if (a.contactIds) return setAudienceContacts(chosen());
    const controller = new AbortController();
    const args = a.segmentId ? { first: PREVIEW_CONTACTS, segmentId: a.segmentId } : { first: PREVIEW_CONTACTS, filter: { labelIds: a.labelIds } };
    fetchContacts(args, controller.signal)
      .then((page) => !controller.signal.aborted && setAudienceContacts(page.edges.map((e) => e.node)))
      .catch(() => !controller.signal.aborted && setAudienceContacts([]));
    onCleanup(() => controller.abort());
  }));

  const previewTemplate = (): BroadcastTemplateInput | null =>
    draft.messageKind === 'TEMPLATE' && draft.templateName.trim()
      ? { name: draft.templateName.trim(), language: draft.templateLanguage.trim(), variables: [...draft.templateVariables] }
      : null;

  const fieldError = (section: string) => errors()[section];
  // Editing a field clears its error (the next submit says again what is still wrong).
  const edit = <K extends keyof ComposerDraft>(key: K, value: ComposerDraft[K]) => {
    setDraft(key, value as never);
    const section: string = SECTION_OF[key];
    if (errors()[section]) {
      const rest = Object.fromEntries(Object.entries(errors()).filter(([field]) => field !== section));
      setErrors(rest);
      if (!Object.keys(rest).length) setError('');
    }
  };

  const submit = async (start: boolean) => {
    setError('');
    const result = broadcastInput({ ...draft, labelIds: [...draft.labelIds], templateVariables: [...draft.templateVariables], contactIds: chosenIds() }, new Date());
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    setBusy(true);
    try {
      const saved = props.broadcastId ? await updateBroadcast(props.broadcastId, result.input) : await createBroadcast(result.input);
      if (start) await startBroadcast(saved.id);
      navigate(`/broadcasts/${saved.id}`);
    } catch (err) {
      const byField = fieldErrors(err);
      if (byField) {
        const filed: Record<string, string> = {};
        for (const [field, message] of Object.entries(byField)) filed[errorSection(field)] ??= message;
        setErrors(filed);
        setError('Check the fields marked below.');
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  /** A saved draft, deleted after a confirm; back to the list. */
  const remove = async () => {
    if (!props.broadcastId || !window.confirm(`Delete the draft “${draft.name || 'untitled'}”? This cannot be undone.`)) return;
    setError('');
    setBusy(true);
    try {
      await deleteBroadcast(props.broadcastId);
      navigate('/broadcasts');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page broadcast-composer" data-testid="broadcast-composer">
      <header class="page-header">
        <div>
          <button class="btn btn-ghost btn-sm" type="button" onClick={() => navigate('/broadcasts')}>← Broadcasts</button>
          <h1>{props.broadcastId ? 'Edit broadcast' : 'New broadcast'}</h1>
          <p class="muted">The audience is fixed when it starts; opted-out and blocked contacts are skipped.</p>
        </div>
      </header>
      <Show when={!manages()}>
        <div class="alert alert-error">Only workspace owners and admins send broadcasts.</div>
      </Show>
      <Show when={error()}><div class="alert alert-error" role="alert" data-testid="composer-error">{error()}</div></Show>

      <div class="page-grid">
        <div class="composer-sections">
          <section class="card form">
            <label class="field">
              <span>Name</span>
              <input data-testid="broadcast-name-input" value={draft.name} placeholder="Spring sale" maxLength={200} aria-invalid={!!fieldError('name')}
                onInput={(e) => edit('name', e.currentTarget.value)} />
              <FieldError testid="error-name" message={fieldError('name')} />
            </label>
            <label class="field">
              <span>Channel</span>
              <select data-testid="broadcast-channel" value={draft.channelId} aria-invalid={!!fieldError('channelId')} onChange={(e) => edit('channelId', e.currentTarget.value)}>
                <Show when={(channels() ?? []).length === 0}><option value="">No channels: connect one first</option></Show>
                <For each={channels() ?? []}>{(c) => <option value={c.id}>{c.name} · {c.kind.replace('_', ' ').toLowerCase()}{c.status !== 'CONNECTED' ? ` (${c.status.toLowerCase()})` : ''}</option>}</For>
              </select>
              <FieldError testid="error-channel" message={fieldError('channelId')} />
            </label>
          </section>

          <section class="card">
            <h2 class="card-title">Audience</h2>
            <AudiencePicker
              mode={draft.audienceMode} onMode={(m) => edit('audienceMode', m)}
              labels={labels() ?? []} segments={segments() ?? []}
              labelIds={draft.labelIds} onLabelIds={(ids) => edit('labelIds', ids)}
              segmentId={draft.segmentId} onSegmentId={(id) => edit('segmentId', id)}
              contacts={chosen()} moreCount={moreIds().length}
              onContacts={(rows) => { setChosen(rows); edit('contactIds', chosenIds()); }}
              onClearMore={() => { setMoreIds([]); edit('contactIds', chosenIds()); }}
              audience={audience()} error={fieldError('audience')} />
          </section>

          <section class="card">
            <h2 class="card-title">Message</h2>
            <MessageEditor
              channelId={draft.channelId} cloud={cloud()}
              kind={draft.messageKind} onKind={(k) => edit('messageKind', k)}
              text={draft.text} onText={(t) => edit('text', t)}
              templateName={draft.templateName} templateLanguage={draft.templateLanguage} templateVariables={draft.templateVariables}
              onTemplate={(c) => {
                if (c.name !== undefined) edit('templateName', c.name);
                if (c.language !== undefined) edit('templateLanguage', c.language);
                if (c.variables !== undefined) edit('templateVariables', c.variables);
              }}
              hints={variableHints(fields() ?? [])}
              errors={errors()} />
          </section>

          <section class="card form">
            <h2 class="card-title">Schedule and pace</h2>
            <div class="segmented segmented-inline" role="radiogroup" aria-label="When">
              <button type="button" role="radio" aria-checked={draft.schedule === 'NOW'} classList={{ active: draft.schedule === 'NOW' }} data-testid="schedule-now" onClick={() => edit('schedule', 'NOW')}>Send now</button>
              <button type="button" role="radio" aria-checked={draft.schedule === 'LATER'} classList={{ active: draft.schedule === 'LATER' }} data-testid="schedule-later" onClick={() => edit('schedule', 'LATER')}>Schedule</button>
            </div>
            <Show when={draft.schedule === 'LATER'}>
              <label class="field">
                <span>Start at (your local time)</span>
                <input type="datetime-local" data-testid="broadcast-scheduled-at" value={draft.scheduledAt} aria-invalid={!!fieldError('scheduledAt')}
                  onInput={(e) => edit('scheduledAt', e.currentTarget.value)} />
                <FieldError testid="error-scheduled-at" message={fieldError('scheduledAt')} />
              </label>
            </Show>
            <label class="field">
              <span>Messages per minute</span>
              <input inputMode="numeric" data-testid="broadcast-rate" value={draft.ratePerMinute} placeholder="As fast as the channel allows" aria-invalid={!!fieldError('ratePerMinute')}
                onInput={(e) => edit('ratePerMinute', e.currentTarget.value)} />
              <small>Every send also waits for the channel's own limit, shared with the inbox, so replies to customers go first.</small>
              <FieldError testid="error-rate" message={fieldError('ratePerMinute')} />
            </label>
          </section>

          <div class="row-actions composer-actions">
            <Show when={props.broadcastId}>
              <button class="btn btn-danger" data-testid="broadcast-delete" disabled={busy() || loading() || !manages()} onClick={() => void remove()}>Delete draft</button>
            </Show>
            <button class="btn btn-secondary" data-testid="broadcast-save-draft" disabled={busy() || loading() || !manages()} onClick={() => void submit(false)}>Save as draft</button>
            <button class="btn btn-primary" data-testid="broadcast-start" disabled={busy() || loading() || !manages()} onClick={() => void submit(true)}>
              {draft.schedule === 'LATER' ? 'Schedule' : 'Start now'}
            </button>
          </div>
        </div>

        <PreviewPanel contacts={audienceContacts()} text={draft.messageKind === 'TEXT' ? draft.text || null : null} template={previewTemplate()} />
      </div>
    </div>
  );
}
