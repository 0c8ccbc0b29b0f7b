import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import {
  addLabels, contactFields, fetchContact, removeLabels, updateContact,
  type ContactLabel, type CustomField,
} from '../../graphql/contacts';
import { navigate } from '../../lib/router';
import { LabelChip } from '../../components/LabelChip';
import { ContactNotes } from '../../components/ContactNotes';

/** One contact beside the table: name, email and fields to edit, labels, notes, conversations and opt-out. */
export function ContactDrawer(props: { contactId: string; labels: ContactLabel[]; fields: CustomField[]; onClose(): void; onChanged(): void }) {
  const [contact, { refetch, mutate }] = createResource(() => props.contactId, fetchContact);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  const [labelToAdd, setLabelToAdd] = createSignal('');

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await action();
      await refetch();
      props.onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const fields: Record<string, unknown> = {};
    for (const f of props.fields) {
      const raw = String(form.get(`field:${f.key}`) ?? '').trim();
      if (f.type === 'BOOLEAN') fields[f.key] = form.get(`field:${f.key}`) === 'on';
      else if (!raw) fields[f.key] = null;
      else fields[f.key] = f.type === 'NUMBER' ? Number(raw) : raw;
    }
    const name = String(form.get('name') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    void run(() => updateContact(props.contactId, { name: name || null, email: email || null, fields }));
  };

  return (
    <div class="drawer-backdrop" onClick={props.onClose}>
      <aside class="drawer" data-testid="contact-drawer" onClick={(e) => e.stopPropagation()}>
        <Show when={contact()} fallback={<div class="page-loading"><div class="spinner" aria-label="Loading" /></div>}>
          {(c) => (
            <>
              <header class="drawer-header">
                <div>
                  <h2 data-testid="drawer-name">{c().name ?? c().phone}</h2>
                  <p class="muted">{c().phone}</p>
                </div>
                <button class="btn btn-ghost btn-sm" data-testid="drawer-close" onClick={props.onClose}>Close</button>
              </header>
              <Show when={error()}><p class="field-error" role="alert" data-testid="drawer-error">{error()}</p></Show>

              <form class="drawer-section" onSubmit={save} data-testid="contact-form">
                <label class="field field-compact"><span>Name</span><input name="name" data-testid="contact-edit-name" value={c().name ?? ''} /></label>
                <label class="field field-compact"><span>Email</span><input name="email" type="email" data-testid="contact-edit-email" value={c().email ?? ''} /></label>
                <For each={props.fields}>
                  {(f) => {
                    const value = () => contactFields(c())[f.key];
                    return (
                      <label class="field field-compact">
                        <span>{f.name}</span>
                        {f.type === 'BOOLEAN'
                          ? <input type="checkbox" name={`field:${f.key}`} data-testid={`contact-field-${f.key}`} checked={value() === true} />
                          : f.type === 'CHOICE'
                            ? (
                              <select name={`field:${f.key}`} data-testid={`contact-field-${f.key}`} value={String(value() ?? '')}>
                                <option value="">—</option>
                                <For each={f.choices ?? []}>{(choice) => <option value={choice}>{choice}</option>}</For>
                              </select>
                            )
                            : <input name={`field:${f.key}`} data-testid={`contact-field-${f.key}`} value={value() == null ? '' : String(value())}
                                type={f.type === 'NUMBER' ? 'number' : f.type === 'DATE' ? 'date' : 'text'} step="any" />}
                      </label>
                    );
                  }}
                </For>
                <button class="btn btn-primary btn-sm" type="submit" data-testid="contact-save" disabled={busy()}>Save</button>
              </form>

              <section class="drawer-section">
                <h3>Labels</h3>
                <div class="chips" data-testid="drawer-labels">
                  <For each={c().labels}>
                    {(l) => (
                      <span class="label-removable">
                        <LabelChip name={l.name} color={l.color} />
                        <button class="btn btn-ghost btn-sm" aria-label={`Remove ${l.name}`} data-testid="drawer-remove-label"
                          disabled={busy()} onClick={() => void run(() => removeLabels([c().id], [l.id]))}>×</button>
                      </span>
                    )}
                  </For>
                </div>
                <div class="inline-form">
                  <select data-testid="drawer-label-select" value={labelToAdd()} onChange={(e) => setLabelToAdd(e.currentTarget.value)}>
                    <option value="">Add a label…</option>
                    <For each={props.labels.filter((l) => !c().labels.some((x) => x.id === l.id))}>{(l) => <option value={l.id}>{l.name}</option>}</For>
                  </select>
                  <button class="btn btn-secondary btn-sm" data-testid="drawer-add-label" disabled={busy() || !labelToAdd()}
                    onClick={() => void run(async () => { await addLabels([c().id], [labelToAdd()]); setLabelToAdd(''); })}>Add</button>
                </div>
              </section>

              <section class="drawer-section">
                <h3>Broadcasts</h3>
                <label class="toggle-row">
                  <input type="checkbox" data-testid="contact-opted-out" checked={c().optedOut} disabled={busy()}
                    onChange={(e) => { const optedOut = e.currentTarget.checked; void run(() => updateContact(c().id, { optedOut })); }} />
                  <span>Opted out{c().optedOutAt ? ` since ${new Date(c().optedOutAt!).toLocaleString()}` : ''}{c().optOutSource ? ` (${c().optOutSource?.toLowerCase()})` : ''}</span>
                </label>
              </section>

              <section class="drawer-section">
                <h3>Conversations</h3>
                <Show when={c().conversations.length} fallback={<p class="muted">None yet.</p>}>
                  <ul class="plain-list">
                    <For each={c().conversations}>
                      {(conv) => (
                        <li>
                          <a href={`/inbox/${encodeURIComponent(conv.id)}`} data-testid="drawer-conversation"
                            onClick={(e) => { e.preventDefault(); navigate(`/inbox/${encodeURIComponent(conv.id)}`); }}>
                            {conv.channel.name}
                          </a>
                          <span class="muted"> · {conv.lastMessageAt ? new Date(conv.lastMessageAt).toLocaleString() : ''}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </section>

              <ContactNotes contactId={c().id} notes={c().notes} onChanged={(notes) => mutate({ ...c(), notes })} />
            </>
          )}
        </Show>
      </aside>
    </div>
  );
}
