import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../graphql/client';
import { addNote, deleteNote, updateNote, type ContactNote } from '../graphql/contacts';

/** Agents' notes on a contact, newest first, with author and time: add, edit, delete. Shared by the drawer and the inbox thread. */
export function ContactNotes(props: { contactId: string; notes: ContactNote[]; onChanged(notes: ContactNote[]): void }) {
  const [draft, setDraft] = createSignal('');
  const [editing, setEditing] = createSignal<string | null>(null);
  const [editText, setEditText] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');

  const run = async (action: () => Promise<ContactNote[]>) => {
    setBusy(true);
    setError('');
    try {
      props.onChanged(await action());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const text = draft().trim();
    if (!text) return;
    void run(async () => {
      const note = await addNote(props.contactId, text);
      setDraft('');
      return [note, ...props.notes];
    });
  };

  return (
    <section class="drawer-section contact-notes" data-testid="contact-notes">
      <h3>Notes</h3>
      <form class="inline-form" onSubmit={add}>
        <textarea rows={2} placeholder="Add a note for the team" data-testid="note-input" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button class="btn btn-secondary btn-sm" type="submit" data-testid="note-add" disabled={busy() || !draft().trim()}>Add note</button>
      </form>
      <Show when={error()}><p class="field-error" role="alert">{error()}</p></Show>
      <ul class="plain-list">
        <For each={props.notes}>
          {(n) => (
            <li class="note" data-testid="note">
              <Show when={editing() === n.id} fallback={<p data-testid="note-text">{n.text}</p>}>
                <textarea rows={2} data-testid="note-edit-input" value={editText()} onInput={(e) => setEditText(e.currentTarget.value)} />
              </Show>
              <div class="note-meta muted">
                <span data-testid="note-author">{n.author?.name ?? 'A former member'}</span>
                <span> · {new Date(n.createdAt).toLocaleString()}{n.updatedAt ? ' (edited)' : ''}</span>
                <Show when={editing() === n.id} fallback={
                  <>
                    <button class="btn btn-ghost btn-sm" data-testid="note-edit" onClick={() => { setEditing(n.id); setEditText(n.text); }}>Edit</button>
                    <button class="btn btn-ghost btn-sm" data-testid="note-delete" disabled={busy()}
                      onClick={() => void run(async () => { await deleteNote(n.id); return props.notes.filter((x) => x.id !== n.id); })}>Delete</button>
                  </>
                }>
                  <button class="btn btn-primary btn-sm" data-testid="note-edit-save" disabled={busy() || !editText().trim()}
                    onClick={() => void run(async () => {
                      const updated = await updateNote(n.id, editText().trim());
                      setEditing(null);
                      return props.notes.map((x) => (x.id === n.id ? updated : x));
                    })}>Save</button>
                  <button class="btn btn-ghost btn-sm" onClick={() => setEditing(null)}>Cancel</button>
                </Show>
              </div>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
