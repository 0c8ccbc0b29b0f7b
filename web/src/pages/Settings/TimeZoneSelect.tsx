import { For, Show } from 'solid-js';
import { browserTimeZone, timeZoneGroups, zoneLabel } from '../../lib/hours';
import { FieldError } from './FieldError';

/** Every IANA zone by region, with UTC, this browser's zone and the saved one (if unknown here) first. */
export function TimeZoneSelect(props: { value: string; error?: string; onChange: (zone: string) => void }) {
  const zoneGroups = timeZoneGroups();
  const zoneKnown = () => zoneGroups.some((g) => g.zones.some((z) => z.value === props.value));
  return (
    <label class="field">
      <span>Time zone</span>
      <select data-testid="settings-time-zone" value={props.value} aria-invalid={!!props.error}
        onChange={(e) => props.onChange(e.currentTarget.value)}>
        <optgroup label="Suggested">
          <option value="UTC">UTC (GMT+00:00)</option>
          <Show when={browserTimeZone() !== 'UTC'}>
            <option value={browserTimeZone()}>{zoneLabel(browserTimeZone())} — this browser</option>
          </Show>
          <Show when={!zoneKnown() && props.value !== 'UTC' && props.value !== browserTimeZone()}>
            <option value={props.value}>{zoneLabel(props.value)}</option>
          </Show>
        </optgroup>
        <For each={zoneGroups}>
          {(g) => (
            <optgroup label={g.label}>
              <For each={g.zones}>{(z) => <option value={z.value}>{z.label}</option>}</For>
            </optgroup>
          )}
        </For>
      </select>
      <FieldError testid="error-timeZone" message={props.error} />
    </label>
  );
}
