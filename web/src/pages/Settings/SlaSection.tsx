import { Show } from 'solid-js';
import { HandIcon } from '../../components/Icons';
import { FieldError } from './FieldError';
import type { SettingsForm } from './form';
import { SettingsSection } from './SettingsSection';
import { TextField } from './TextField';
import { ToggleSwitch } from './ToggleSwitch';

/** The human-handover SLA: how long a customer may wait for an agent, and the fallback message. */
export function SlaSection(props: { form: SettingsForm }) {
  const { draft, setDraft, errors, clearError } = props.form;
  return (
    <SettingsSection icon={<HandIcon />} title="Human handover"
      description="When an agent has taken over a conversation, how long a customer may wait for a reply.">
      <div class="card form">
        <div class="toggle-row">
          <div>
            <div class="toggle-title">Response time target (SLA)</div>
            <div class="muted small">Late conversations get a red “Waiting” badge in the inbox until an agent replies or releases them.</div>
          </div>
          <ToggleSwitch checked={draft.slaEnabled} testid="settings-sla-enabled" label="Enable the response time target"
            onChange={(on) => { setDraft('slaEnabled', on); clearError('humanSlaSeconds'); }} />
        </div>
        <Show when={draft.slaEnabled}>
          <label class="field">
            <span>Reply within</span>
            <div classList={{ 'input-suffix': true, invalid: !!errors().humanSlaSeconds }}>
              <input type="number" min="1" max="10080" step="any" inputmode="numeric" data-testid="settings-sla-minutes"
                value={draft.slaMinutes} onInput={(e) => { setDraft('slaMinutes', e.currentTarget.value); clearError('humanSlaSeconds'); }} />
              <span>minutes</span>
            </div>
            <FieldError testid="error-humanSlaSeconds" message={errors().humanSlaSeconds} />
          </label>
          <TextField label="Fallback message (optional)" testid="settings-sla-fallback"
            hint="Sent once to the customer when the time is up, so they know someone will answer."
            placeholder="Sorry for the wait! An agent will be with you shortly."
            value={draft.slaFallbackMessage} error={errors().slaFallbackMessage}
            onInput={(v) => { setDraft('slaFallbackMessage', v); clearError('slaFallbackMessage'); }} />
        </Show>
      </div>
    </SettingsSection>
  );
}
