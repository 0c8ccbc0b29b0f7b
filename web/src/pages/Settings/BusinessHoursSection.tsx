import { For, Show } from 'solid-js';
import { reconcile } from 'solid-js/store';
import { ClockIcon } from '../../components/Icons';
import { WEEK_ORDER } from '../../lib/hours';
import { HOURS_ERRORS, settingsInput } from '../../lib/settings-draft';
import { HOURS_PRESETS, NINE_TO_FIVE, presetWeek, type RangeDraft, WEEKDAYS } from '../../lib/week-hours';
import { FieldError } from './FieldError';
import type { SettingsForm } from './form';
import { HoursDayRow } from './HoursDayRow';
import { OpenNowStatus } from './OpenNowStatus';
import { SettingsSection } from './SettingsSection';
import { TimeZoneSelect } from './TimeZoneSelect';

/** The time zone and the weekly opening hours, with whether the bot would call this moment open. */
export function BusinessHoursSection(props: { form: SettingsForm }) {
  const { draft, setDraft, errors, clearError, clearErrors } = props.form;

  const applyPreset = (weekdays: number[], range: RangeDraft) => {
    setDraft('days', reconcile(presetWeek(weekdays, range)));
    clearErrors(HOURS_ERRORS);
  };
  const setAlwaysOpen = (always: boolean) => {
    setDraft('alwaysOpen', always);
    if (!always && !draft.days.some((d) => d.open)) applyPreset(WEEKDAYS, NINE_TO_FIVE);
    clearError('businessHours');
  };

  return (
    <SettingsSection icon={<ClockIcon />} title="Business hours"
      description="Outside these hours customers get the away message. Times are local to the time zone you choose.">
      <div class="card form">
        <TimeZoneSelect value={draft.timeZone} error={errors().timeZone}
          onChange={(zone) => { setDraft('timeZone', zone); clearError('timeZone'); }} />

        <div class="segmented segmented-inline" role="radiogroup" aria-label="Opening hours">
          <button type="button" role="radio" aria-checked={draft.alwaysOpen} classList={{ active: draft.alwaysOpen }}
            data-testid="hours-always-open" onClick={() => setAlwaysOpen(true)}>Always open</button>
          <button type="button" role="radio" aria-checked={!draft.alwaysOpen} classList={{ active: !draft.alwaysOpen }}
            data-testid="hours-custom" onClick={() => setAlwaysOpen(false)}>Set weekly hours</button>
        </div>

        <Show when={!draft.alwaysOpen} fallback={
          <p class="muted small hours-note">The bot treats every moment as business hours: the away message is never sent.</p>
        }>
          <div class="hours-presets">
            <span class="muted small">Quick fill:</span>
            <For each={HOURS_PRESETS}>
              {(p) => (
                <button type="button" class="link-button" data-testid={p.testid} onClick={() => applyPreset(p.weekdays, p.range)}>{p.label}</button>
              )}
            </For>
          </div>
          <div class="hours-grid" data-testid="hours-grid">
            <For each={WEEK_ORDER}>{(weekday) => <HoursDayRow form={props.form} weekday={weekday} />}</For>
          </div>
          <p class="muted small hours-note">A closing time of 00:00 means midnight, the end of the day.</p>
          <FieldError testid="error-businessHours" message={errors().businessHours} />
        </Show>

        <OpenNowStatus hours={settingsInput(draft).input.businessHours} timeZone={draft.timeZone} awayMessage={draft.awayMessage} />
      </div>
    </SettingsSection>
  );
}
