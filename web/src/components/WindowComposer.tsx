import { createEffect, createMemo, createSignal, For, Index, on, Show, type JSX } from 'solid-js';
import { errorMessage, fieldErrors } from '../graphql/client';
import { fetchConversationWindow, fetchTemplates, sendTemplate, type Template } from '../graphql/cloud-api';

/**
 * The thread's composer, aware of the Cloud API's 24-hour window: while it is open (or on other
 * channels) the free-text composer given as children; once it closed, a template picker instead.
 * `refresh` changes whenever the thread does (a customer's new message reopens the window).
 */
export function WindowComposer(props: { conversationId: string; refresh: number; children: JSX.Element }) {
  // Signals, not resources: a resource reloading on every new message would suspend the inbox around it.
  const [window, setWindow] = createSignal<Awaited<ReturnType<typeof fetchConversationWindow>> | null>(null);
  createEffect(on(() => [props.conversationId, props.refresh] as const, ([id]) => {
    fetchConversationWindow(id).then((w) => id === props.conversationId && setWindow(w), (err) => console.warn('window check failed', err));
  }));
  const closed = createMemo(() => {
    const w = window();
    return w?.id === props.conversationId && w.channel.kind === 'CLOUD_API' && (!w.windowExpiresAt || new Date(String(w.windowExpiresAt)).getTime() <= Date.now());
  });
  return (
    <Show when={closed() && window()} fallback={props.children}>
      {(w) => <TemplatePicker conversationId={props.conversationId} channelId={w().channel.id} />}
    </Show>
  );
}

function TemplatePicker(props: { conversationId: string; channelId: string }) {
  const [error, setError] = createSignal('');
  const [templates, setTemplates] = createSignal<Template[]>();
  createEffect(on(() => props.channelId, (id) => {
    fetchTemplates(id).then((all) => setTemplates(all.filter((t) => t.status === 'APPROVED')), (err) => setError(errorMessage(err)));
  }));
  const [chosen, setChosen] = createSignal('');
  const [values, setValues] = createSignal<string[]>([]);
  const [busy, setBusy] = createSignal(false);
  const template = () => templates()?.find((t) => t.id === chosen());
  const choose = (id: string) => {
    setChosen(id);
    setValues(Array(templates()?.find((t) => t.id === id)?.variables ?? 0).fill(''));
  };
  const send = async (e: Event) => {
    e.preventDefault();
    const t = template();
    if (!t) return;
    setBusy(true);
    setError('');
    try {
      await sendTemplate({ conversationId: props.conversationId, name: t.name, language: t.language, variables: values().map((v) => v.trim()) });
      choose('');
    } catch (err) {
      const fields = fieldErrors(err);
      setError(fields ? Object.values(fields).join('; ') : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="template-picker" onSubmit={send} data-testid="template-picker">
      <div class="composer-hint">The 24-hour window is closed: WhatsApp only delivers an approved template until the customer writes again.</div>
      <Show when={error()}><div class="alert alert-error" data-testid="template-error">{error()}</div></Show>
      <Show when={templates()?.length === 0}><div class="muted small">No approved templates: sync them on the Channels page.</div></Show>
      <div class="field-row">
        <label class="field field-compact">
          <span>Template</span>
          <select data-testid="template-select" value={chosen()} onChange={(e) => choose(e.currentTarget.value)}>
            <option value="">Choose a template…</option>
            <For each={templates() ?? []}>{(t) => <option value={t.id}>{t.name} ({t.language})</option>}</For>
          </select>
        </label>
        <button class="btn btn-primary" type="submit" data-testid="template-send" disabled={busy() || !template() || values().some((v) => !v.trim())}>Send template</button>
      </div>
      <Show when={template()?.body}><div class="small muted" data-testid="template-body">{template()!.body}</div></Show>
      <Index each={values()}>
        {(value, i) => (
          <label class="field field-compact">
            <span>{`{{${i + 1}}}`}</span>
            <input data-testid={`template-variable-${i + 1}`} value={value()} onInput={(e) => setValues(values().map((v, j) => (j === i ? e.currentTarget.value : v)))} />
          </label>
        )}
      </Index>
    </form>
  );
}
