/** Editing a week of opening hours in the settings form: pure steps over the draft's days. */
import { toMinutes } from './hours';

/** One range as the form edits it; a close of "00:00" means midnight, the end of the day. */
export interface RangeDraft { open: string; close: string }
export interface DayDraft { open: boolean; ranges: RangeDraft[] }

export const NINE_TO_FIVE: RangeDraft = { open: '09:00', close: '17:00' };
export const WEEKDAYS = [1, 2, 3, 4, 5];
const LAST_RANGE_START = 22 * 60;
const DAY_MINUTES = 24 * 60;

/** The quick fills the form offers. */
export const HOURS_PRESETS: { label: string; weekdays: number[]; range: RangeDraft; testid?: string }[] = [
  { label: 'Mon–Fri, 9:00–17:00', weekdays: WEEKDAYS, range: NINE_TO_FIVE, testid: 'hours-preset-weekdays' },
  { label: 'Mon–Sat, 9:00–18:00', weekdays: [1, 2, 3, 4, 5, 6], range: { open: '09:00', close: '18:00' } },
  { label: 'Every day, 8:00–20:00', weekdays: [0, 1, 2, 3, 4, 5, 6], range: { open: '08:00', close: '20:00' } },
];

/** Seven closed days, indexed by the API's weekday (0 = Sunday). */
export function emptyWeek(): DayDraft[] {
  return Array.from({ length: 7 }, () => ({ open: false, ranges: [] }));
}

/** `weekdays` open with `range`, every other day closed. */
export function presetWeek(weekdays: number[], range: RangeDraft): DayDraft[] {
  return Array.from({ length: 7 }, (_, wd) => (weekdays.includes(wd) ? { open: true, ranges: [{ ...range }] } : { open: false, ranges: [] }));
}

/** A day opened gets 9–17 unless it already has hours; closed, it keeps them for reopening. */
export function withDayOpen(day: DayDraft, open: boolean): DayDraft {
  return { open, ranges: open && day.ranges.length === 0 ? [{ ...NINE_TO_FIVE }] : day.ranges };
}

/** The range "+ Hours" adds: an hour after the last one closes, for two hours (after a lunch break), else 9–17. */
export function nextRange(ranges: RangeDraft[]): RangeDraft {
  const last = ranges[ranges.length - 1];
  return last && last.close !== '00:00' && toMinutes(last.close) <= LAST_RANGE_START
    ? { open: addHours(last.close, 1), close: addHours(last.close, 3) }
    : { ...NINE_TO_FIVE };
}

/** The day without its `index`th range; a day left with none is closed. */
export function withoutRange(day: DayDraft, index: number): DayDraft {
  const ranges = day.ranges.filter((_, i) => i !== index);
  return { open: ranges.length > 0, ranges };
}

/** Every open day gets `weekday`'s hours; closed days stay closed. */
export function copyToOpenDays(days: DayDraft[], weekday: number): DayDraft[] {
  const ranges = days[weekday].ranges;
  return days.map((day) => (day.open ? { open: true, ranges: ranges.map((r) => ({ ...r })) } : { open: false, ranges: [] }));
}

/** "HH:MM" plus whole hours, capped at midnight ("00:00"). */
export function addHours(hhmm: string, hours: number): string {
  const minutes = toMinutes(hhmm) + hours * 60;
  if (minutes >= DAY_MINUTES) return '00:00';
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
