import { Show } from 'solid-js';
import { AlertIcon, CheckCircleIcon } from '../../components/Icons';

/** The sticky bar under the form: unsaved / saved / the form's error, Discard and Save. */
export function SaveBar(props: { dirty: boolean; saved: boolean; saving: boolean; error: string; onDiscard: () => void }) {
  return (
    <div classList={{ 'save-bar': true, dirty: props.dirty }}>
      <div class="save-bar-status" data-testid="settings-status">
        <Show when={props.error} fallback={
          <Show when={props.saved && !props.dirty} fallback={
            <span class="muted">{props.dirty ? 'You have unsaved changes.' : 'All changes saved.'}</span>
          }>
            <span class="save-ok" data-testid="settings-saved" role="status">
              <CheckCircleIcon width="18" height="18" /> Settings saved. They apply to the next incoming message.
            </span>
          </Show>
        }>
          <span class="save-error" data-testid="settings-error" role="alert"><AlertIcon width="18" height="18" /> {props.error}</span>
        </Show>
      </div>
      <button type="button" class="btn btn-secondary" data-testid="settings-discard" disabled={!props.dirty || props.saving} onClick={() => props.onDiscard()}>
        Discard
      </button>
      <button type="submit" class="btn btn-primary" data-testid="settings-save" disabled={props.saving}>
        {props.saving ? 'Saving…' : 'Save changes'}
      </button>
    </div>
  );
}
