import { Show } from 'solid-js';
import { AlertIcon } from '../../components/Icons';

/** A field's error line, when it has one. */
export function FieldError(props: { testid: string; message?: string }) {
  return (
    <Show when={props.message}>
      <div class="field-error" data-testid={props.testid} role="alert">
        <AlertIcon width="14" height="14" /> {props.message}
      </div>
    </Show>
  );
}
