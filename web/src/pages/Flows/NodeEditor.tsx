import { createResource, For, type JSX, Match, Show, Switch } from 'solid-js';
import { MAX_BUTTON_TITLE_LENGTH, MAX_BUTTONS, MAX_LIST_ROWS, MAX_ROW_TITLE_LENGTH, MAX_TEXT_LENGTH } from '../../../../workflows/flows/validate';
import type { FlowProblem } from '../../../../workflows/flows/definition';
import { fetchKnowledgeBases } from '../../graphql/knowledge';
import { freshId, nodeKind } from './node-catalog';

type Data = Record<string, any>;

/** WhatsApp's limits the validator leaves to the channel: a list's button text and a row's description. */
const MAX_LIST_BUTTON_LENGTH = 20;
const MAX_ROW_DESCRIPTION_LENGTH = 72;

export interface NodeEditorProps {
  nodeId: string;
  type: string;
  data: Data;
  /** Every variable the flow can use here: contact variables and what its steps save. */
  variables: string[];
  problems: FlowProblem[];
  readOnly: boolean;
  /** Merges into the node's data; an undefined value removes the key. */
  onChange: (patch: Data) => void;
  onDelete: () => void;
}

/** The side panel's form for the selected node, typed by node type, with its problems on top. */
export function NodeEditor(props: NodeEditorProps) {
  const kind = () => nodeKind(props.type);
  const set = (key: string) => (value: unknown) => props.onChange({ [key]: value === '' ? undefined : value });
  const field = (key: string) => props.data[key];
  return (
    <div class="node-editor" data-testid="node-editor" data-node-id={props.nodeId} data-node-type={props.type}>
      <div class="node-editor-head" style={{ '--node-color': kind().color }}>
        <span class="flow-node-glyph">{kind().glyph}</span>
        <div>
          <div class="node-editor-title">{kind().label}</div>
          <div class="muted small-text">id {props.nodeId}</div>
        </div>
        <Show when={!props.readOnly}>
          <button class="btn btn-ghost btn-sm node-delete" type="button" data-testid="node-delete" onClick={props.onDelete}>Delete</button>
        </Show>
      </div>
      <p class="muted small-text">{kind().hint}</p>
      <Show when={props.problems.length > 0}>
        <ul class="node-problems" data-testid="node-problems">
          <For each={props.problems}>{(p) => <li>{p.message}</li>}</For>
        </ul>
      </Show>
      <fieldset disabled={props.readOnly} class="node-editor-fields">
        <Switch>
          <Match when={props.type === 'trigger'}><TriggerForm data={props.data} set={set} /></Match>
          <Match when={props.type === 'message'}><MessageForm {...props} set={set} /></Match>
          <Match when={props.type === 'question'}><QuestionForm {...props} set={set} /></Match>
          <Match when={props.type === 'condition'}><ConditionForm {...props} /></Match>
          <Match when={props.type === 'delay'}><DelayForm data={props.data} set={set} /></Match>
          <Match when={props.type === 'setVariable'}>
            <Text label="Variable name" testid="field-name" value={field('name')} onInput={set('name')} hint="Use it later as {{name}}." />
            <TemplateText label="Value" testid="field-value" value={field('value')} onInput={set('value')} variables={props.variables} />
          </Match>
          <Match when={props.type === 'tag'}>
            <ListText label="Add labels" testid="field-add" value={field('add')} onChange={set('add')} />
            <ListText label="Remove labels" testid="field-remove" value={field('remove')} onChange={set('remove')} />
          </Match>
          <Match when={props.type === 'webhook'}><WebhookForm {...props} set={set} /></Match>
          <Match when={props.type === 'ai'}><AiForm {...props} set={set} /></Match>
          <Match when={props.type === 'handover'}>
            <TemplateText label="Note for the agent" testid="field-note" value={field('note')} onInput={set('note')} variables={props.variables} rows={3} />
          </Match>
          <Match when={props.type === 'end'}><p class="muted">The run ends here. Nothing to configure.</p></Match>
        </Switch>
      </fieldset>
    </div>
  );
}

type Setter = (key: string) => (value: unknown) => void;

function TriggerForm(props: { data: Data; set: Setter }) {
  const on = () => props.data.on ?? 'keyword';
  return (
    <>
      <Select label="Starts on" testid="field-on" value={on()} onChange={props.set('on')} options={[
        ['keyword', 'A keyword'], ['first_message', "A contact's first message"], ['label_added', 'A label is added'],
        ['media', 'The contact sends media'], ['api', 'The API (startFlow)'], ['schedule', 'A schedule (cron)'],
      ]} />
      <Show when={on() === 'keyword'}>
        <ListText label="Keywords" testid="field-keywords" value={props.data.keywords} onChange={props.set('keywords')} />
        <Select label="Match" testid="field-matchType" value={props.data.matchType ?? 'EXACT'} onChange={props.set('matchType')} options={[
          ['EXACT', 'The whole message equals a keyword'], ['CONTAINS', 'The message contains a keyword'],
          ['STARTS_WITH', 'The message starts with a keyword'], ['REGEX', 'A keyword is a regular expression'],
        ]} />
        <Check label="Case sensitive" testid="field-caseSensitive" value={!!props.data.caseSensitive} onChange={(v) => props.set('caseSensitive')(v || undefined)} />
      </Show>
      <Show when={on() === 'label_added'}>
        <Text label="Label" testid="field-label" value={props.data.label} onInput={props.set('label')} />
      </Show>
      <Show when={on() === 'schedule'}>
        <Text label="Cron (minute hour day month weekday)" testid="field-cron" value={props.data.cron} onInput={props.set('cron')} hint="e.g. 0 9 * * MON-FRI: weekdays at 9:00" />
      </Show>
    </>
  );
}

function MessageForm(props: NodeEditorProps & { set: Setter }) {
  const buttons = (): Data[] => props.data.buttons ?? [];
  const list = (): Data | undefined => props.data.list;
  const mode = () => (list() ? 'list' : buttons().length > 0 ? 'buttons' : 'text');
  const setMode = (next: string) => {
    if (next === 'text') props.onChange({ buttons: undefined, list: undefined });
    if (next === 'buttons') props.onChange({ list: undefined, buttons: buttons().length ? buttons() : [{ id: 'btn-1', title: 'Yes' }] });
    if (next === 'list') props.onChange({ buttons: undefined, list: list() ?? { button: 'Options', rows: [{ id: 'row-1', title: 'First option' }] } });
  };
  const setButtons = (next: Data[]) => props.onChange({ buttons: next });
  const rows = (): Data[] => list()?.rows ?? [];
  const setList = (patch: Data) => props.onChange({ list: { ...list(), ...patch } });
  return (
    <>
      <TemplateText label="Text" testid="field-text" value={props.data.text} onInput={props.set('text')} variables={props.variables} rows={4} max={MAX_TEXT_LENGTH} />
      <TemplateText label="Media URL (optional)" testid="field-mediaUrl" value={props.data.mediaUrl} onInput={props.set('mediaUrl')} variables={props.variables} />
      <Select label="Replies" testid="field-reply-mode" value={mode()} onChange={(v) => setMode(String(v))} options={[
        ['text', 'None: just the text'], ['buttons', `Buttons (up to ${MAX_BUTTONS})`], ['list', `A list (up to ${MAX_LIST_ROWS} rows)`],
      ]} />
      <Show when={mode() === 'buttons'}>
        <div class="choice-editor" data-testid="buttons-editor">
          <For each={buttons()}>
            {(button, i) => (
              <div class="choice-row" data-testid="button-row">
                <input data-testid="button-title" value={button.title ?? ''} maxLength={MAX_BUTTON_TITLE_LENGTH} placeholder="Button title"
                  onInput={(e) => setButtons(buttons().map((b, j) => (j === i() ? { ...b, title: e.currentTarget.value } : b)))} />
                <span class="counter">{(button.title ?? '').length}/{MAX_BUTTON_TITLE_LENGTH}</span>
                <code class="choice-id" title="The branch this button takes">{button.id}</code>
                <button class="icon-button" type="button" title="Remove" data-testid="button-remove" onClick={() => setButtons(buttons().filter((_, j) => j !== i()))}>✕</button>
              </div>
            )}
          </For>
          <Show when={buttons().length < MAX_BUTTONS} fallback={<small class="muted">WhatsApp shows at most {MAX_BUTTONS} buttons; use a list for more.</small>}>
            <button class="btn btn-secondary btn-sm" type="button" data-testid="button-add"
              onClick={() => setButtons([...buttons(), { id: freshId('btn', buttons().map((b) => b.id)), title: '' }])}>Add button</button>
          </Show>
        </div>
      </Show>
      <Show when={mode() === 'list'}>
        <div class="choice-editor" data-testid="list-editor">
          <label class="field field-compact">
            <span>List button <span class="counter">{(list()?.button ?? '').length}/{MAX_LIST_BUTTON_LENGTH}</span></span>
            <input data-testid="list-button" value={list()?.button ?? ''} maxLength={MAX_LIST_BUTTON_LENGTH} onInput={(e) => setList({ button: e.currentTarget.value })} />
          </label>
          <For each={rows()}>
            {(row, i) => (
              <div class="choice-row choice-row-list" data-testid="list-row">
                <input data-testid="row-title" value={row.title ?? ''} maxLength={MAX_ROW_TITLE_LENGTH} placeholder="Row title"
                  onInput={(e) => setList({ rows: rows().map((r, j) => (j === i() ? { ...r, title: e.currentTarget.value } : r)) })} />
                <span class="counter">{(row.title ?? '').length}/{MAX_ROW_TITLE_LENGTH}</span>
                <code class="choice-id">{row.id}</code>
                <button class="icon-button" type="button" title="Remove" onClick={() => setList({ rows: rows().filter((_, j) => j !== i()) })}>✕</button>
                <input class="choice-description" value={row.description ?? ''} maxLength={MAX_ROW_DESCRIPTION_LENGTH} placeholder="Description (optional)"
                  onInput={(e) => setList({ rows: rows().map((r, j) => (j === i() ? { ...r, description: e.currentTarget.value || undefined } : r)) })} />
              </div>
            )}
          </For>
          <Show when={rows().length < MAX_LIST_ROWS} fallback={<small class="muted">WhatsApp shows at most {MAX_LIST_ROWS} rows.</small>}>
            <button class="btn btn-secondary btn-sm" type="button" data-testid="row-add"
              onClick={() => setList({ rows: [...rows(), { id: freshId('row', rows().map((r) => r.id)), title: '' }] })}>Add row</button>
          </Show>
        </div>
      </Show>
      <small class="muted">Each button or row is a branch on the canvas; a typed reply that matches no option takes “other reply”.</small>
    </>
  );
}

function QuestionForm(props: NodeEditorProps & { set: Setter }) {
  return (
    <>
      <TemplateText label="Question" testid="field-text" value={props.data.text} onInput={props.set('text')} variables={props.variables} rows={3} max={MAX_TEXT_LENGTH} />
      <Select label="Answer type" testid="field-input" value={props.data.input ?? 'text'} onChange={props.set('input')} options={[
        ['text', 'Text'], ['number', 'Number'], ['email', 'Email'], ['phone', 'Phone number'], ['date', 'Date'], ['choice', 'One of some choices'],
      ]} />
      <Show when={props.data.input === 'choice'}>
        <ListText label="Choices" testid="field-choices" value={props.data.choices} onChange={props.set('choices')} hint="Up to 3 show as buttons, more as a list." />
      </Show>
      <Text label="Save the answer as" testid="field-saveAs" value={props.data.saveAs} onInput={props.set('saveAs')} hint={props.data.saveAs ? `Later steps use it as {{${props.data.saveAs}}}.` : 'A variable name.'} />
      <Text label="Must match (regular expression, optional)" testid="field-validation" value={props.data.validation} onInput={props.set('validation')} />
      <TemplateText label="When the answer is wrong, say" testid="field-errorMessage" value={props.data.errorMessage} onInput={props.set('errorMessage')} variables={props.variables} />
      <div class="field-row">
        <NumberField label="Asks again" testid="field-retries" value={props.data.retries} onChange={props.set('retries')} min={0} max={10} hint="then “invalid”" />
        <NumberField label="Timeout (seconds)" testid="field-timeoutSeconds" value={props.data.timeoutSeconds} onChange={props.set('timeoutSeconds')} min={1}
          hint={props.data.timeoutSeconds ? 'then “timeout”' : 'waits forever'} />
      </div>
    </>
  );
}

function ConditionForm(props: NodeEditorProps) {
  const rules = (): Data[] => props.data.rules ?? [];
  const setRule = (i: number, patch: Data) => props.onChange({ rules: rules().map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const subjectKind = (subject: string) => (subject?.includes(':') ? subject.split(':')[0] : subject ?? 'text');
  const subjectName = (subject: string) => (subject?.includes(':') ? subject.slice(subject.indexOf(':') + 1) : '');
  return (
    <div class="choice-editor" data-testid="rules-editor">
      <For each={rules()}>
        {(rule, i) => (
          <div class="rule-row" data-testid="rule-row">
            <div class="rule-row-head"><code class="choice-id">{rule.id}</code>
              <button class="icon-button" type="button" title="Remove" onClick={() => props.onChange({ rules: rules().filter((_, j) => j !== i()) })}>✕</button>
            </div>
            <div class="field-row">
              <select value={subjectKind(rule.subject)} onChange={(e) => {
                const k = e.currentTarget.value;
                setRule(i(), { subject: k === 'variable' || k === 'field' ? `${k}:${subjectName(rule.subject)}` : k });
              }}>
                <option value="text">The message text</option><option value="variable">A variable</option>
                <option value="field">A contact field</option><option value="label">A contact label</option>
              </select>
              <Show when={subjectKind(rule.subject) === 'variable' || subjectKind(rule.subject) === 'field'}>
                <input placeholder="name" value={subjectName(rule.subject)} onInput={(e) => setRule(i(), { subject: `${subjectKind(rule.subject)}:${e.currentTarget.value}` })} />
              </Show>
            </div>
            <div class="field-row">
              <select value={rule.op ?? 'equals'} onChange={(e) => setRule(i(), { op: e.currentTarget.value })}>
                <option value="equals">equals</option><option value="contains">contains</option><option value="startsWith">starts with</option>
                <option value="regex">matches regex</option><option value="isEmpty">is empty</option><option value="gt">greater than</option><option value="lt">less than</option>
              </select>
              <Show when={rule.op !== 'isEmpty'}>
                <input placeholder="value" value={rule.value ?? ''} onInput={(e) => setRule(i(), { value: e.currentTarget.value })} />
              </Show>
            </div>
          </div>
        )}
      </For>
      <button class="btn btn-secondary btn-sm" type="button" data-testid="rule-add"
        onClick={() => props.onChange({ rules: [...rules(), { id: freshId('rule', rules().map((r) => r.id)), subject: 'text', op: 'contains', value: '' }] })}>Add rule</button>
      <small class="muted">The first rule that matches is the branch taken; none: “otherwise”.</small>
    </div>
  );
}

const UNITS: [number, string][] = [[86400, 'days'], [3600, 'hours'], [60, 'minutes'], [1, 'seconds']];

function DelayForm(props: { data: Data; set: Setter }) {
  const seconds = () => Number(props.data.seconds) || 0;
  const unit = () => UNITS.find(([size]) => seconds() > 0 && seconds() % size === 0)?.[0] ?? 1;
  return (
    <div class="field-row">
      <label class="field field-compact">
        <span>Wait</span>
        <input type="number" min="1" data-testid="field-delay-amount" value={seconds() / unit()}
          onInput={(e) => props.set('seconds')(Math.round((Number(e.currentTarget.value) || 0) * unit()) || undefined)} />
      </label>
      <label class="field field-compact">
        <span>Unit</span>
        <select data-testid="field-delay-unit" value={unit()} onChange={(e) => props.set('seconds')(Math.round((seconds() / unit()) * Number(e.currentTarget.value)))}>
          <For each={UNITS}>{([size, name]) => <option value={size}>{name}</option>}</For>
        </select>
      </label>
    </div>
  );
}

function WebhookForm(props: NodeEditorProps & { set: Setter }) {
  const headersText = () => Object.entries((props.data.headers ?? {}) as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join('\n');
  const parseHeaders = (text: string) => {
    const entries = text.split('\n').map((line) => line.split(/:(.*)/s)).filter(([k]) => k?.trim()).map(([k, v]) => [k.trim(), (v ?? '').trim()]);
    return entries.length ? Object.fromEntries(entries) : undefined;
  };
  return (
    <>
      <Select label="Method" testid="field-method" value={props.data.method ?? 'POST'} onChange={props.set('method')}
        options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [m, m])} />
      <TemplateText label="URL" testid="field-url" value={props.data.url} onInput={props.set('url')} variables={props.variables} />
      <label class="field field-compact">
        <span>Headers (one “Name: value” a line)</span>
        <textarea rows={2} data-testid="field-headers" value={headersText()} onChange={(e) => props.onChange({ headers: parseHeaders(e.currentTarget.value) })} />
      </label>
      <Show when={props.data.method !== 'GET'}>
        <TemplateText label="Body" testid="field-body" value={props.data.body} onInput={props.set('body')} variables={props.variables} rows={3} />
      </Show>
      <div class="field-row">
        <Text label="Save the response as" testid="field-saveAs" value={props.data.saveAs} onInput={props.set('saveAs')} />
        <Text label="From the path" testid="field-responsePath" value={props.data.responsePath} onInput={props.set('responsePath')} hint="e.g. order.status" />
      </div>
      <NumberField label="Retries before “error”" testid="field-retries" value={props.data.retries} onChange={props.set('retries')} min={0} max={10} hint="with backoff; default 3" />
    </>
  );
}

function AiForm(props: NodeEditorProps & { set: Setter }) {
  const [bases] = createResource(() => fetchKnowledgeBases().catch(() => []));
  return (
    <>
      <TemplateText label="Instructions (optional)" testid="field-prompt" value={props.data.prompt} onInput={props.set('prompt')} variables={props.variables} rows={3} />
      <label class="field field-compact">
        <span>Knowledge base</span>
        <select data-testid="field-knowledgeBaseId" value={props.data.knowledgeBaseId ?? ''} onChange={(e) => props.set('knowledgeBaseId')(e.currentTarget.value)}>
          <option value="">The workspace's default</option>
          <For each={bases() ?? []}>{(kb) => <option value={kb.id}>{kb.name}</option>}</For>
        </select>
      </label>
      <small class="muted">Uses the workspace's AI settings; when it cannot answer the run takes “error”.</small>
    </>
  );
}

function Text(props: { label: string; testid: string; value: unknown; onInput: (v: string) => void; hint?: string }) {
  return (
    <label class="field field-compact">
      <span>{props.label}</span>
      <input data-testid={props.testid} value={typeof props.value === 'string' ? props.value : ''} onInput={(e) => props.onInput(e.currentTarget.value)} />
      <Show when={props.hint}><small>{props.hint}</small></Show>
    </label>
  );
}

/** A comma-separated list, parsed when the field is left (parsing on each key would swallow a trailing comma). */
function ListText(props: { label: string; testid: string; value: unknown; onChange: (v: string[] | undefined) => void; hint?: string }) {
  return (
    <label class="field field-compact">
      <span>{props.label}</span>
      <input data-testid={props.testid} value={Array.isArray(props.value) ? props.value.join(', ') : ''}
        onChange={(e) => { const list = e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean); props.onChange(list.length ? list : undefined); }} />
      <small>{props.hint ?? 'Separate with commas.'}</small>
    </label>
  );
}

function NumberField(props: { label: string; testid: string; value: unknown; onChange: (v: number | undefined) => void; min?: number; max?: number; hint?: string }) {
  return (
    <label class="field field-compact">
      <span>{props.label}</span>
      <input type="number" data-testid={props.testid} min={props.min} max={props.max} value={typeof props.value === 'number' ? props.value : ''}
        onInput={(e) => props.onChange(e.currentTarget.value === '' ? undefined : Math.round(Number(e.currentTarget.value)))} />
      <Show when={props.hint}><small>{props.hint}</small></Show>
    </label>
  );
}

function Select(props: { label: string; testid: string; value: unknown; onChange: (v: string) => void; options: string[][] }) {
  return (
    <label class="field field-compact">
      <span>{props.label}</span>
      <select data-testid={props.testid} value={String(props.value ?? '')} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={props.options}>{([value, label]) => <option value={value}>{label}</option>}</For>
      </select>
    </label>
  );
}

function Check(props: { label: string; testid: string; value: boolean; onChange: (v: boolean) => void }) {
  return (
    <label class="field-inline">
      <input type="checkbox" data-testid={props.testid} checked={props.value} onChange={(e) => props.onChange(e.currentTarget.checked)} /> {props.label}
    </label>
  );
}

/** A text that takes `{{variables}}`: the flow's variables below it, inserted at the cursor on click. */
function TemplateText(props: { label: string; testid: string; value: unknown; onInput: (v: string) => void; variables: string[]; rows?: number; max?: number }) {
  let input: HTMLInputElement | HTMLTextAreaElement | undefined;
  const value = () => (typeof props.value === 'string' ? props.value : '');
  const insert = (name: string) => {
    const at = input?.selectionStart ?? value().length;
    const end = input?.selectionEnd ?? at;
    const token = `{{${name}}}`;
    props.onInput(value().slice(0, at) + token + value().slice(end));
    queueMicrotask(() => { input?.focus(); input?.setSelectionRange(at + token.length, at + token.length); });
  };
  const control = (): JSX.Element =>
    props.rows
      ? <textarea ref={(el) => (input = el)} rows={props.rows} data-testid={props.testid} value={value()} onInput={(e) => props.onInput(e.currentTarget.value)} />
      : <input ref={(el) => (input = el)} data-testid={props.testid} value={value()} onInput={(e) => props.onInput(e.currentTarget.value)} />;
  return (
    <div class="field field-compact">
      <span>{props.label}<Show when={props.max}> <span class="counter">{value().length}/{props.max}</span></Show></span>
      {control()}
      <div class="variable-hints" data-testid="variable-hints">
        <For each={props.variables}>
          {(name) => <button type="button" class="variable-chip" title={`Insert {{${name}}}`} onMouseDown={(e) => e.preventDefault()} onClick={() => insert(name)}>{`{{${name}}}`}</button>}
        </For>
      </div>
    </div>
  );
}
