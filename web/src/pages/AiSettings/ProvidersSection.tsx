import { For, Show, createSignal } from 'solid-js';
import type { SetStoreFunction } from 'solid-js/store';
import { errorMessage } from '../../graphql/client';
import { testAiProvider } from '../../graphql/ai-operations';
import { DEFAULT_BASE_URLS, moveProvider, providerInput, type AiSettingsDraft, type ProviderDraft } from '../../lib/ai-settings-draft';
import { FieldError } from '../Settings/FieldError';

/** The providers in failover order: add, remove, reorder, test; keys write-only (a typed key replaces the stored one). */
export function ProvidersSection(props: { draft: AiSettingsDraft; setDraft: SetStoreFunction<AiSettingsDraft>; errors: Record<string, string> }) {
  const set = (list: ProviderDraft[]) => props.setDraft('providers', list);
  const add = () => set([...props.draft.providers, { kind: 'ANTHROPIC', baseUrl: DEFAULT_BASE_URLS.ANTHROPIC, model: '', apiKey: '', hasApiKey: false }]);
  return (
    <div class="ai-providers" data-testid="ai-providers">
      <FieldError testid="error-providers" message={props.errors.providers} />
      <For each={props.draft.providers}>
        {(p, i) => (
          <div class="ai-provider card" data-testid="ai-provider">
            <div class="ai-provider-head">
              <strong>{i() === 0 ? 'Primary' : `Fallback ${i()}`}</strong>
              <span class="spacer" />
              <button type="button" class="btn btn-ghost btn-sm" data-testid="provider-up" disabled={i() === 0} onClick={() => set(moveProvider(props.draft.providers, i(), -1))}>↑</button>
              <button type="button" class="btn btn-ghost btn-sm" data-testid="provider-down" disabled={i() === props.draft.providers.length - 1}
                onClick={() => set(moveProvider(props.draft.providers, i(), 1))}>↓</button>
              <button type="button" class="btn btn-ghost btn-sm" data-testid="provider-remove" onClick={() => set(props.draft.providers.filter((_, j) => j !== i()))}>Remove</button>
            </div>
            <label class="field field-compact">
              <span>Kind</span>
              <select data-testid="provider-kind" value={p.kind} onChange={(e) => {
                const kind = e.currentTarget.value as ProviderDraft['kind'];
                props.setDraft('providers', i(), { kind, baseUrl: DEFAULT_BASE_URLS[kind] });
              }}>
                <option value="ANTHROPIC">Anthropic</option>
                <option value="OPENAI_COMPATIBLE">OpenAI-compatible (OpenAI, Ollama, vLLM, LM Studio)</option>
              </select>
            </label>
            <label class="field field-compact">
              <span>Base URL</span>
              <input data-testid="provider-base-url" value={p.baseUrl} onInput={(e) => props.setDraft('providers', i(), 'baseUrl', e.currentTarget.value)} />
              <FieldError testid="error-provider-base-url" message={props.errors[`providers.${i()}.baseUrl`]} />
            </label>
            <label class="field field-compact">
              <span>Model</span>
              <input data-testid="provider-model" value={p.model} placeholder={p.kind === 'ANTHROPIC' ? 'claude-sonnet-4-5' : 'gpt-4o-mini'}
                onInput={(e) => props.setDraft('providers', i(), 'model', e.currentTarget.value)} />
              <FieldError testid="error-provider-model" message={props.errors[`providers.${i()}.model`]} />
            </label>
            <label class="field field-compact">
              <span>API key</span>
              <input type="password" autocomplete="off" data-testid="provider-api-key" value={p.apiKey}
                placeholder={p.hasApiKey ? '•••••••• stored (type to replace)' : 'none'}
                onInput={(e) => props.setDraft('providers', i(), 'apiKey', e.currentTarget.value)} />
              <small>Keys are encrypted and never shown again.</small>
            </label>
            <ProviderTest provider={p} />
          </div>
        )}
      </For>
      <button type="button" class="btn btn-secondary" data-testid="provider-add" onClick={add}>Add a provider</button>
    </div>
  );
}

function ProviderTest(props: { provider: ProviderDraft }) {
  const [result, setResult] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = createSignal(false);
  const run = async () => {
    setTesting(true);
    setResult(null);
    try {
      const r = await testAiProvider(providerInput(props.provider));
      setResult(r.ok ? { ok: true, text: `Connected in ${r.latencyMs} ms: “${r.reply}”` } : { ok: false, text: r.error ?? 'failed' });
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    } finally {
      setTesting(false);
    }
  };
  return (
    <div class="ai-provider-test">
      <button type="button" class="btn btn-secondary btn-sm" data-testid="provider-test" disabled={testing()} onClick={() => void run()}>
        {testing() ? 'Testing…' : 'Test connection'}
      </button>
      <Show when={result()}>
        {(r) => <span classList={{ 'save-ok': r().ok, 'save-error': !r().ok }} data-testid="provider-test-result" data-ok={String(r().ok)}>{r().text}</span>}
      </Show>
    </div>
  );
}
