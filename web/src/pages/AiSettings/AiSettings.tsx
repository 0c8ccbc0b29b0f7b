import { createEffect, createMemo, createResource, createSignal, on, Show } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { BotIcon, LockIcon } from '../../components/Icons';
import { errorMessage, fieldErrors } from '../../graphql/client';
import { fetchAiSettings, updateAiSettings } from '../../graphql/ai-operations';
import { aiSettingsInput, draftFromAiSettings, validateAiDraft, type AiSettingsDraft } from '../../lib/ai-settings-draft';
import { canManage, useViewer } from '../../lib/session';
import { FieldError } from '../Settings/FieldError';
import { SaveBar } from '../Settings/SaveBar';
import { SettingsSection } from '../Settings/SettingsSection';
import { ToggleSwitch } from '../Settings/ToggleSwitch';
import { ProvidersSection } from './ProvidersSection';

const NEEDS_ATTENTION = 'Some fields need your attention.';

/** AI settings (owners and admins): persona, providers in failover order, thresholds, topics, approval, debounce. */
export function AiSettings() {
  const viewer = useViewer();
  const allowed = () => !viewer()?.role || canManage(viewer()!.role);
  const [settings, { mutate }] = createResource(() => allowed() || undefined, fetchAiSettings);
  const [draft, setDraft] = createStore<AiSettingsDraft>(draftFromAiSettings({
    enabled: false, botName: null, persona: null, temperature: 0.3, historyMessages: 12, confidenceThreshold: 0.6, sensitiveTopics: [],
    approvalMode: 'OFF', handoverMessage: '', debounceSeconds: 3, knowledgeBaseIds: [], providers: [],
  }));
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal('');
  const [saved, setSaved] = createSignal(false);
  const [saving, setSaving] = createSignal(false);

  createEffect(on(settings, (s) => s && setDraft(reconcile(draftFromAiSettings(s)))));
  const serialized = (d: AiSettingsDraft) => JSON.stringify(aiSettingsInput(d));
  const dirty = createMemo(() => {
    const s = settings();
    return !!s && serialized(draft) !== serialized(draftFromAiSettings(s));
  });

  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const local = validateAiDraft(draft);
    setErrors(local);
    if (Object.keys(local).length) return setFormError(NEEDS_ATTENTION);
    setFormError('');
    setSaving(true);
    try {
      mutate(await updateAiSettings(aiSettingsInput(unwrap(draft))));
      setSaved(true);
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields) setErrors(fields);
      setFormError(fields ? NEEDS_ATTENTION : errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  const discard = () => {
    const s = settings();
    if (s) setDraft(reconcile(draftFromAiSettings(s)));
    setErrors({});
    setFormError('');
  };
  const field = (key: 'temperature' | 'historyMessages' | 'confidenceThreshold' | 'debounceSeconds', label: string, hint: string) => (
    <label class="field">
      <span>{label}</span>
      <input data-testid={`ai-${key}`} inputmode="decimal" value={draft[key]} onInput={(e) => setDraft(key, e.currentTarget.value)} />
      <small>{hint}</small>
      <FieldError testid={`error-ai-${key}`} message={errors()[key]} />
    </label>
  );

  return (
    <div class="page settings-page" data-testid="ai-settings-page">
      <header class="page-header">
        <div>
          <h1>AI replies</h1>
          <p class="muted">When no keyword rule matches, the AI answers from your knowledge, hands over to a human when unsure, or drafts for approval.</p>
        </div>
      </header>
      <Show when={!allowed()}>
        <div class="notice" data-testid="ai-settings-readonly"><LockIcon width="18" height="18" /> Only owners and admins can see and change the AI settings.</div>
      </Show>
      <Show when={settings.error}><div class="alert alert-error">{errorMessage(settings.error)}</div></Show>
      <Show when={settings()}>
        <form class="settings-form" onSubmit={save} data-testid="ai-settings-form" novalidate>
          <SettingsSection icon={<BotIcon />} title="Assistant" description="Turn AI replies on, name the bot and tell it who it is (the system prompt).">
            <label class="field field-inline">
              <span>AI replies</span>
              <ToggleSwitch testid="ai-enabled" label="AI replies" checked={draft.enabled} onChange={(v) => setDraft('enabled', v)} />
            </label>
            <label class="field">
              <span>Bot name</span>
              <input data-testid="ai-bot-name" value={draft.botName} onInput={(e) => setDraft('botName', e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>Persona</span>
              <textarea rows={5} data-testid="ai-persona" value={draft.persona} placeholder="Empty: a friendly assistant of your business."
                onInput={(e) => setDraft('persona', e.currentTarget.value)} />
            </label>
          </SettingsSection>
          <SettingsSection icon={<BotIcon />} title="Providers" description="Asked in this order: when one fails, times out or answers garbage, the next one answers.">
            <ProvidersSection draft={draft} setDraft={setDraft} errors={errors()} />
          </SettingsSection>
          <SettingsSection icon={<BotIcon />} title="Handing over" description="A sensitive topic, low confidence or the AI's own call hands the conversation to a human.">
            {field('confidenceThreshold', 'Confidence threshold', 'From 0 to 1: a less confident reply goes to a human.')}
            <label class="field">
              <span>Sensitive topics</span>
              <input data-testid="ai-sensitive-topics" value={draft.sensitiveTopics} onInput={(e) => setDraft('sensitiveTopics', e.currentTarget.value)} />
              <small>Comma-separated; a customer message about one always goes to a human.</small>
            </label>
            <label class="field">
              <span>Handover message</span>
              <textarea rows={2} data-testid="ai-handover-message" value={draft.handoverMessage} onInput={(e) => setDraft('handoverMessage', e.currentTarget.value)} />
              <FieldError testid="error-ai-handover-message" message={errors().handoverMessage} />
            </label>
            <label class="field">
              <span>Approval</span>
              <select data-testid="ai-approval-mode" value={draft.approvalMode} onChange={(e) => setDraft('approvalMode', e.currentTarget.value as AiSettingsDraft['approvalMode'])}>
                <option value="OFF">Replies go out at once</option>
                <option value="ALL">Every reply is a draft an agent approves</option>
              </select>
            </label>
          </SettingsSection>
          <SettingsSection icon={<BotIcon />} title="Timing and context" description="How many quick messages are answered together, and how much of the chat the AI reads.">
            {field('debounceSeconds', 'Quiet window (seconds)', 'Messages this close together get one reply.')}
            {field('historyMessages', 'History', 'How many recent messages the AI sees.')}
            {field('temperature', 'Temperature', 'From 0 (plain) to 2 (inventive); OpenAI-compatible providers only.')}
          </SettingsSection>
          <SaveBar dirty={dirty()} saved={saved()} saving={saving()} error={formError()} onDiscard={discard} />
        </form>
      </Show>
    </div>
  );
}
