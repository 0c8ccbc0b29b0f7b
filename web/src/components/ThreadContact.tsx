import { createResource, For, Show } from 'solid-js';
import { fetchContact } from '../graphql/contacts';
import { navigate } from '../lib/router';
import { ContactNotes } from './ContactNotes';
import { LabelChip } from './LabelChip';

/** Above a thread: the contact's labels and the team's notes on them, where an agent adds one without leaving the inbox. */
export function ThreadContact(props: { contactId: string }) {
  const [contact, { mutate }] = createResource(() => props.contactId, fetchContact);
  return (
    <Show when={contact()}>
      {(c) => (
        <details class="thread-contact" data-testid="thread-contact" open={c().notes.length > 0 || c().labels.length > 0}>
          <summary>
            <span class="chips" data-testid="thread-labels">
              <For each={c().labels} fallback={<span class="muted">No labels</span>}>{(l) => <LabelChip name={l.name} color={l.color} />}</For>
            </span>
            <span class="muted"> · {c().notes.length} note{c().notes.length === 1 ? '' : 's'} · </span>
            <a href="/contacts" data-testid="thread-open-contacts" onClick={(e) => { e.preventDefault(); navigate('/contacts'); }}>Contacts</a>
          </summary>
          <ContactNotes contactId={c().id} notes={c().notes} onChanged={(notes) => mutate({ ...c(), notes })} />
        </details>
      )}
    </Show>
  );
}
