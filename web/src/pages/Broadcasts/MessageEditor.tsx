import { createResource, For, Index, Show } from 'solid-js';
import { fetchTemplates } from '../../graphql/cloud-api';
import { FieldError } from '../Settings/FieldError';
import { insertAt, type MessageKind, type VariableHint } from './broadcast-draft';

const MAX_TEXT = 4096;

export interface MessageEditorProps {
  channelId: string;
  /** Cloud API channels may send an approved template (the only way to reach a contact outside the 24-hour window). */
  cloud: boolean;
  kind: MessageKind;
  onKind(kind: MessageKind): void;
  text: string;
  onText(text: string): void;
  templateName: string;
  templateLanguage: string;
  templateVariables: string[];
  onTemplate(change: { name?: string; language?: string; variables?: string[] }): void;
  hints: VariableHint[];
  errors: Record<string, string>;
}

/** The broadcast's text with its variables (click one to insert it at the caret), or a Cloud API template and its variables. */
export function MessageEditor(props: MessageEditorProps) {
  const [templates] = createResource(() => (props.cloud && props.channelId) || null, (id) => fetchTemplates(id).catch(() => []));
  const approved = () => (templates() ?? []).filter((t) => t.status === 'APPROVED');
  // The field a variable goes into: the text, or the template variable last focused.
  let target: { el: HTMLInputElement | HTMLTextAreaElement; set: (v: string) => void } | null = null;
  let textArea!: HTMLTextAreaElement;

  const insert = (token: string) => {
    const into = target ?? (props.kind === 'TEXT' ? { el: textArea, set: props.onText } : null);
    if (!into) return;
    const { el } = into;
    const next = insertAt(el.value, el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length, token);
    into.set(next.text);
    queueMicrotask(() => {
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  const chooseTemplate = (key: string) => {
    const t = approved().find((x) => `${x.name}|${x.language}` === key);
    if (!t) return;
    props.onTemplate({ name: t.name, language: t.language, variables: Array.from({ length: t.variables }, (_, i) => props.templateVariables[i] ?? '') });
  };
  const chosenTemplate = () => approved().find((t) => t.name === props.templateName && t.language === props.templateLanguage);
  const setVariable = (i: number, v: string) => props.onTemplate({ variables: props.templateVariables.map((x, j) => (j === i ? v : x)) });

  return (
    <div class="message-editor">
      <Show when={props.cloud}>
        <div class="segmented segmented-inline" role="tablist" aria-label="Message kind">
          <button type="button" role="tab" aria-selected={props.kind === 'TEXT'} classList={{ active: props.kind === 'TEXT' }} data-testid="message-kind-text" onClick={() => props.onKind('TEXT')}>Text</button>
          <button type="button" role="tab" aria-selected={props.kind === 'TEMPLATE'} classList={{ active: props.kind === 'TEMPLATE' }} data-testid="message-kind-template" onClick={() => props.onKind('TEMPLATE')}>Template</button>
        </div>
        <Show when={props.kind === 'TEXT'}>
          <p class="muted small-text">Free text reaches only contacts who wrote in the last 24 hours; use an approved template for the others.</p>
        </Show>
      </Show>

      <Show when={props.kind === 'TEXT'}>
        <label class="field">
          <span>Message</span>
          <textarea ref={textArea} rows={5} data-testid="broadcast-text" value={props.text} maxLength={MAX_TEXT} aria-invalid={!!props.errors.text}
            placeholder="Hi {{contact.name}}, our spring sale starts today…"
            onFocus={() => (target = { el: textArea, set: props.onText })} onInput={(e) => props.onText(e.currentTarget.value)} />
        </label>
        <div class="field-foot">
          <FieldError testid="error-text" message={props.errors.text} />
          <span class="counter" classList={{ over: props.text.length > MAX_TEXT }}>{props.text.length} / {MAX_TEXT}</span>
        </div>
      </Show>

      <Show when={props.kind === 'TEMPLATE'}>
        <Show when={approved().length > 0}>
          <label class="field">
            <span>Approved template</span>
            <select data-testid="template-pick" value={chosenTemplate() ? `${chosenTemplate()!.name}|${chosenTemplate()!.language}` : ''} onChange={(e) => chooseTemplate(e.currentTarget.value)}>
              <option value="">Type one below, or choose</option>
              <For each={approved()}>{(t) => <option value={`${t.name}|${t.language}`}>{t.name} ({t.language})</option>}</For>
            </select>
          </label>
          <Show when={chosenTemplate()?.body}><p class="template-body muted">{chosenTemplate()!.body}</p></Show>
        </Show>
        <div class="field-row">
          <label class="field">
            <span>Template name</span>
            <input data-testid="template-name" value={props.templateName} aria-invalid={!!props.errors['template.name']} placeholder="spring_sale"
              onInput={(e) => props.onTemplate({ name: e.currentTarget.value })} />
            <FieldError testid="error-template-name" message={props.errors['template.name']} />
          </label>
          <label class="field">
            <span>Language</span>
            <input data-testid="template-language" value={props.templateLanguage} aria-invalid={!!props.errors['template.language']} placeholder="en_US"
              onInput={(e) => props.onTemplate({ language: e.currentTarget.value })} />
            <FieldError testid="error-template-language" message={props.errors['template.language']} />
          </label>
        </div>
        <div class="template-variables">
          <Index each={props.templateVariables}>
            {(v, i) => {
              let input!: HTMLInputElement;
              return (
                <label class="field field-compact">
                  <span>{`{{${i + 1}}}`}</span>
                  <input ref={input} data-testid="template-variable" value={v()} placeholder="{{contact.name}}"
                    onFocus={() => (target = { el: input, set: (x) => setVariable(i, x) })} onInput={(e) => setVariable(i, e.currentTarget.value)} />
                </label>
              );
            }}
          </Index>
          <div class="row-actions">
            <button type="button" class="btn btn-ghost btn-sm" data-testid="template-variable-add" onClick={() => props.onTemplate({ variables: [...props.templateVariables, ''] })}>+ Variable</button>
            <Show when={props.templateVariables.length > 0}>
              <button type="button" class="btn btn-ghost btn-sm" onClick={() => { target = null; props.onTemplate({ variables: props.templateVariables.slice(0, -1) }); }}>− Last</button>
            </Show>
          </div>
          <FieldError testid="error-template" message={props.errors['template.variables'] ?? props.errors.template} />
        </div>
      </Show>

      <div class="variable-hints" data-testid="variable-hints">
        <span class="muted small-text">Insert:</span>
        <For each={props.hints}>
          {(h) => (
            <button type="button" class="tag variable-hint" data-testid="variable-hint" data-token={h.token} title={h.token}
              onMouseDown={(e) => e.preventDefault()} onClick={() => insert(h.token)}>{h.label}</button>
          )}
        </For>
      </div>
    </div>
  );
}
