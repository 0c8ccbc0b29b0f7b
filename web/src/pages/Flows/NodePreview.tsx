import { createSignal, For, Show } from 'solid-js';
import { Logo } from '../../components/Shell';

type Data = Record<string, any>;

/**
 * How WhatsApp shows the selected message or question: the bubble (variables shown as sample
 * values), reply buttons under it, or a list's button that opens its rows in a sheet.
 */
export function NodePreview(props: { type: string; data: Data }) {
  const [listOpen, setListOpen] = createSignal(false);
  const buttons = (): { id: string; title: string }[] => {
    if (props.type === 'message') return props.data.buttons ?? [];
    const choices: string[] = props.data.input === 'choice' ? props.data.choices ?? [] : [];
    return choices.length <= 3 ? choices.map((c) => ({ id: c, title: c })) : [];
  };
  const list = (): { button: string; rows: { id: string; title: string; description?: string }[] } | null => {
    if (props.type === 'message') return props.data.list ?? null;
    const choices: string[] = props.data.input === 'choice' ? props.data.choices ?? [] : [];
    return choices.length > 3 ? { button: 'Choose', rows: choices.map((c) => ({ id: c, title: c })) } : null;
  };
  return (
    <div class="phone phone-preview" data-testid="node-preview">
      <div class="wa-header">
        <Logo size={28} />
        <div><div class="wa-header-name">Your business</div><div class="wa-header-sub">Preview</div></div>
      </div>
      <div class="wa-body wallpaper">
        <div class="wa-bubble wa-theirs preview-bubble">
          <Show when={props.data.mediaUrl}><div class="preview-media">🖼 {props.data.mediaUrl}</div></Show>
          <span class="wa-text" data-testid="preview-text">{sample(props.data.text ?? '') || ' '}</span>
          <span class="wa-meta">9:41</span>
        </div>
        <Show when={buttons().length > 0}>
          <div class="wa-buttons" data-testid="preview-buttons">
            <For each={buttons()}>{(b) => <div class="wa-button" data-testid="preview-button">{b.title || '…'}</div>}</For>
          </div>
        </Show>
        <Show when={list()}>
          {(l) => (
            <>
              <button type="button" class="wa-button wa-list-button" data-testid="preview-list-button" onClick={() => setListOpen(!listOpen())}>☰ {l().button || 'Options'}</button>
              <Show when={listOpen()}>
                <div class="wa-list-sheet" data-testid="preview-list">
                  <div class="wa-list-title">{l().button || 'Options'}</div>
                  <For each={l().rows}>
                    {(row) => (
                      <div class="wa-list-row">
                        <div><div>{row.title || '…'}</div><Show when={row.description}><div class="muted small-text">{row.description}</div></Show></div>
                        <span class="wa-radio" />
                      </div>
                    )}
                  </For>
                </div>
              </Show>
            </>
          )}
        </Show>
      </div>
    </div>
  );
}

const SAMPLES: Record<string, string> = { 'contact.name': 'Ada', 'contact.phone': '+15550001111' };

/** `{{contact.name}}` as a sample value; a flow variable as its name in brackets. */
function sample(text: string): string {
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => SAMPLES[name] ?? `[${name}]`);
}
