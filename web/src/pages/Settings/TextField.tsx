import { MAX_REPLY } from '../../lib/settings-draft';
import { FieldError } from './FieldError';

/** A message the bot sends, with a character counter against WhatsApp's limit. */
export function TextField(props: {
  label: string; hint?: string; placeholder?: string; testid: string; value: string; error?: string; onInput: (value: string) => void;
}) {
  const length = () => props.value.trim().length;
  return (
    <label class="field">
      <span>{props.label}</span>
      <textarea rows={3} data-testid={props.testid} placeholder={props.placeholder} value={props.value} aria-invalid={!!props.error}
        onInput={(e) => props.onInput(e.currentTarget.value)} />
      <div class="field-foot">
        <small>{props.hint ?? ''}{length() === 0 ? ' Empty: no message.' : ''}</small>
        <small classList={{ counter: true, over: length() > MAX_REPLY }}>{length()}/{MAX_REPLY}</small>
      </div>
      <FieldError testid={`error-${props.testid}`} message={props.error} />
    </label>
  );
}
