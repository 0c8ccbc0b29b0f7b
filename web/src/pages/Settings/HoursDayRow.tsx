import { For, Show } from 'solid-js';
import { CloseIcon, PlusIcon } from '../../components/Icons';
import { WEEKDAY_NAMES } from '../../lib/hours';
import { dayErrors, HOURS_ERRORS, rangeErrorKey } from '../../lib/settings-draft';
import { copyToOpenDays, nextRange, withDayOpen, withoutRange } from '../../lib/week-hours';
import { FieldError } from './FieldError';
import type { SettingsForm } from './form';
import { ToggleSwitch } from './ToggleSwitch';

/** One weekday of the hours grid: open or closed, its time ranges, add a range, copy to the other open days. */
export function HoursDayRow(props: { form: SettingsForm; weekday: number }) {
  const { draft, setDraft, errors, clearError, clearErrors } = props.form;
  const weekday = props.weekday;
  const name = WEEKDAY_NAMES[weekday];
  const day = () => draft.days[weekday];

  const setOpen = (open: boolean) => {
    setDraft('days', weekday, (d) => withDayOpen(d, open));
    clearErrors(dayErrors(weekday));
  };
  const remove = (index: number) => {
    setDraft('days', weekday, (d) => withoutRange(d, index));
    clearErrors(dayErrors(weekday));
  };
  const setEdge = (index: number, edge: 'open' | 'close', value: string) => {
    setDraft('days', weekday, 'ranges', index, edge, value);
    clearError(rangeErrorKey(weekday, index));
  };
  const copy = () => {
    setDraft('days', copyToOpenDays(draft.days, weekday));
    clearErrors(HOURS_ERRORS);
  };

  return (
    <div classList={{ 'hours-row': true, closed: !day().open }} data-testid={`hours-day-${weekday}`} data-open={day().open}>
      <label class="hours-day">
        <ToggleSwitch checked={day().open} testid={`hours-open-${weekday}`} label={`Open on ${name}`} onChange={setOpen} />
        <span>{name}</span>
      </label>
      <div class="hours-ranges">
        <Show when={day().open} fallback={<span class="hours-closed">Closed</span>}>
          <For each={day().ranges}>
            {(range, index) => {
              const error = () => errors()[rangeErrorKey(weekday, index())];
              return (
                <div class="hours-range-wrap">
                  <div classList={{ 'hours-range': true, invalid: !!error() }} data-testid={`hours-range-${weekday}`}>
                    <input type="time" aria-label={`${name} opens`} value={range.open} required data-testid={`hours-${weekday}-${index()}-open`}
                      onChange={(e) => setEdge(index(), 'open', e.currentTarget.value)} />
                    <span class="hours-dash">–</span>
                    <input type="time" aria-label={`${name} closes`} value={range.close} required data-testid={`hours-${weekday}-${index()}-close`}
                      onChange={(e) => setEdge(index(), 'close', e.currentTarget.value)} />
                    <button type="button" class="icon-button" title="Remove these hours" aria-label="Remove these hours"
                      data-testid={`hours-${weekday}-${index()}-remove`} onClick={() => remove(index())}>
                      <CloseIcon width="14" height="14" />
                    </button>
                  </div>
                  <FieldError testid={`error-hours-${weekday}-${index()}`} message={error()} />
                </div>
              );
            }}
          </For>
        </Show>
      </div>
      <div class="hours-actions">
        <Show when={day().open}>
          <button type="button" class="btn btn-ghost btn-sm" data-testid={`hours-add-${weekday}`}
            onClick={() => setDraft('days', weekday, 'ranges', (list) => [...list, nextRange(list)])}
            title="Add another time range, e.g. after a lunch break">
            <PlusIcon width="14" height="14" /> Hours
          </button>
          <button type="button" class="btn btn-ghost btn-sm" onClick={copy}
            data-testid={`hours-copy-${weekday}`} title={`Use ${name}'s hours on every open day`}>
            Copy
          </button>
        </Show>
      </div>
    </div>
  );
}
