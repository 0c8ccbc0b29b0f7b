import { createEffect, createMemo, createResource, createSignal, on, Show } from 'solid-js';
import { reconcile, unwrap } from 'solid-js/store';
import { LockIcon } from '../../components/Icons';
import { errorMessage, fieldErrors } from '../../graphql/client';
import { fetchBotSettings, updateBotSettings } from '../../graphql/operations';
import { canManage, ROLE_INFO, useViewer } from '../../lib/session';
import { draftErrorsFromServer, draftFromSettings, type SettingsDraft, settingsInput, validateDraft } from '../../lib/settings-draft';
import { BusinessHoursSection } from './BusinessHoursSection';
import { createSettingsForm } from './form';
import { RepliesSection } from './RepliesSection';
import { SaveBar } from './SaveBar';
import { SlaSection } from './SlaSection';

const NEEDS_ATTENTION = 'Some fields need your attention.';

/** Bot settings: fallback replies, business hours and the human-handover SLA. */
export function Settings() {
  const viewer = useViewer();
  const role = () => viewer()?.role;
  const readOnly = () => !!role() && !canManage(role());
  const [settings, { mutate }] = createResource(fetchBotSettings);
  const form = createSettingsForm();
  const [formError, setFormError] = createSignal('');
  const [saved, setSaved] = createSignal(false);
  const [saving, setSaving] = createSignal(false);

  createEffect(on(settings, (s) => s && form.setDraft(reconcile(draftFromSettings(s)))));

  const serialized = (d: SettingsDraft) => JSON.stringify(settingsInput(d).input);
  const dirty = createMemo(() => {
    const s = settings();
    return !!s && serialized(form.draft) !== serialized(draftFromSettings(s));
  });
  createEffect(on(dirty, (d) => d && setSaved(false), { defer: true }));

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly() || saving()) return;
    setSaved(false);
    setFormError('');
    const local = validateDraft(form.draft);
    form.setErrors(local);
    if (Object.keys(local).length) return setFormError(NEEDS_ATTENTION);
    const { input, order } = settingsInput(unwrap(form.draft));
    setSaving(true);
    try {
      const result = await updateBotSettings(input);
      // The effect on `settings` above resets the draft to what was saved.
      mutate(result);
      setSaved(true);
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields) {
        form.setErrors(draftErrorsFromServer(fields, order));
        setFormError(NEEDS_ATTENTION);
      } else {
        setFormError(errorMessage(err));
      }
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    const s = settings();
    if (s) form.setDraft(reconcile(draftFromSettings(s)));
    form.setErrors({});
    setFormError('');
  };

  return (
    <div class="page settings-page">
      <header class="page-header">
        <div>
          <h1>Settings</h1>
          <p class="muted">How the bot answers when no keyword rule matches, when you are open, and how long customers may wait for an agent.</p>
        </div>
      </header>

      <Show when={readOnly()}>
        <div class="notice" data-testid="settings-readonly">
          <LockIcon width="18" height="18" />
          <div>
            <strong>View only.</strong> Your role ({ROLE_INFO[role()!].label}) does not allow changing settings.
            Ask a workspace owner or admin.
          </div>
        </div>
      </Show>
      <Show when={settings.error}>
        <div class="alert alert-error" data-testid="settings-load-error">{errorMessage(settings.error)}</div>
      </Show>
      <Show when={settings.loading && !settings()}>
        <div class="page-loading"><div class="spinner" aria-label="Loading" /></div>
      </Show>

      <Show when={settings()}>
        <form class="settings-form" onSubmit={save} data-testid="settings-form" novalidate>
          <fieldset class="settings-fieldset" disabled={readOnly() || !role()}>
            <RepliesSection form={form} />
            <BusinessHoursSection form={form} />
            <SlaSection form={form} />
          </fieldset>
          <Show when={role() && !readOnly()}>
            <SaveBar dirty={dirty()} saved={saved()} saving={saving()} error={formError()} onDiscard={discard} />
          </Show>
        </form>
      </Show>
    </div>
  );
}
