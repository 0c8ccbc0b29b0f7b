import { createSignal, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { approveDraft, rejectDraft } from '../../graphql/ai-operations';
import type { Message } from '../../graphql/fragments';

/** An AI draft waiting for an agent: approve as written, edit then approve, or reject. */
export function DraftActions(props: { message: Message; onError: (message: string) => void }) {
  const [editing, setEditing] = createSignal(false);
  const [text, setText] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    props.onError('');
    try {
      await what();
      setEditing(false);
    } catch (err) {
      props.onError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const edited = () => (text().trim() && text().trim() !== props.message.text ? text().trim() : null);
  return (
    <div class="draft-actions" data-testid="draft-actions">
      <div class="draft-label">Draft: the customer has not seen it yet.</div>
      <Show when={editing()}>
        <textarea class="draft-edit" data-testid="draft-edit-text" rows={3} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      </Show>
      <div class="draft-buttons">
        <button type="button" class="btn btn-primary btn-sm" data-testid="draft-approve" disabled={busy()}
          onClick={() => void act(() => approveDraft(props.message.id, editing() ? edited() : null))}>
          {editing() ? 'Send edited' : 'Approve'}
        </button>
        <Show when={!editing()}>
          <button type="button" class="btn btn-secondary btn-sm" data-testid="draft-edit" disabled={busy()}
            onClick={() => { setText(props.message.text); setEditing(true); }}>Edit</button>
        </Show>
        <button type="button" class="btn btn-ghost btn-sm" data-testid="draft-reject" disabled={busy()} onClick={() => void act(() => rejectDraft(props.message.id))}>
          Reject
        </button>
      </div>
    </div>
  );
}
