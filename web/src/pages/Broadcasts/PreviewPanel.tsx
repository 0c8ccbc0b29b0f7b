import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { fetchPreview, type BroadcastPreview, type BroadcastTemplateInput } from '../../graphql/broadcasts';
import type { ContactRow } from '../../graphql/contacts';

const PREVIEW_DEBOUNCE_MS = 300;

/** The message as one contact of the audience gets it (the server renders it, with the same renderer the send uses). */
export function PreviewPanel(props: { contacts: ContactRow[]; text: string | null; template: BroadcastTemplateInput | null }) {
  const [contactId, setContactId] = createSignal('');
  const [preview, setPreview] = createSignal<BroadcastPreview | null>(null);
  const [error, setError] = createSignal('');

  // Keep the chosen contact while it is in the audience; otherwise the first one.
  createEffect(() => {
    if (!props.contacts.some((c) => c.id === contactId())) setContactId(props.contacts[0]?.id ?? '');
  });

  createEffect(on(() => [contactId(), props.text, JSON.stringify(props.template)] as const, ([id]) => {
    const text = props.text;
    const template = props.template;
    setError('');
    if (!id || (!text && !template)) {
      setPreview(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const p = await fetchPreview(id, { text, template }, controller.signal);
        if (!controller.signal.aborted) setPreview(p);
      } catch (err) {
        if ((err as Error).name !== 'AbortError' && !controller.signal.aborted) setError(errorMessage(err));
      }
    }, PREVIEW_DEBOUNCE_MS);
    onCleanup(() => {
      clearTimeout(timer);
      controller.abort();
    });
  }));

  const contact = () => props.contacts.find((c) => c.id === contactId());
  return (
    <section class="card broadcast-preview" data-testid="broadcast-preview">
      <h2 class="card-title">Preview</h2>
      <Show when={props.contacts.length > 0} fallback={<p class="muted">Choose an audience to preview the message for one of its contacts.</p>}>
        <label class="field">
          <span>As sent to</span>
          <select data-testid="preview-contact" value={contactId()} onChange={(e) => setContactId(e.currentTarget.value)}>
            <For each={props.contacts}>
              {(c) => <option value={c.id}>{c.name ?? c.phone}{c.name ? ` (${c.phone})` : ''}{c.optedOut ? ' · opted out, skipped' : ''}</option>}
            </For>
          </select>
        </label>
        <div class="wallpaper preview-wallpaper">
          <Show when={preview()} fallback={<p class="muted small-text">{props.text || props.template ? 'Rendering…' : 'Write the message to see it here.'}</p>}>
            {(p) => (
              <div class="bubble bubble-out preview-bubble">
                <Show when={p().text != null}><div class="bubble-text" data-testid="preview-text">{p().text}</div></Show>
                <Show when={p().variables}>
                  <div class="bubble-text" data-testid="preview-template">
                    <strong>{props.template?.name}</strong> <span class="muted">({props.template?.language})</span>
                    <ol class="preview-variables">
                      <For each={p().variables!}>{(v) => <li data-testid="preview-variable">{v || <em class="muted">empty</em>}</li>}</For>
                    </ol>
                  </div>
                </Show>
              </div>
            )}
          </Show>
        </div>
        <Show when={contact()?.optedOut}><p class="muted small-text">This contact opted out: the broadcast skips them.</p></Show>
      </Show>
      <Show when={error()}><div class="field-error" role="alert" data-testid="preview-error">{error()}</div></Show>
    </section>
  );
}
