/** The settings form's draft: built from the API's settings, checked, and turned back into the API's input. */
import type { BotSettings, OpeningRange } from '../graphql/fragments';
import type { BotSettingsInput } from '../graphql/operations';
import { toMinutes, WEEK_ORDER } from './hours';
import { type DayDraft, emptyWeek } from './week-hours';

export interface SettingsDraft {
  defaultReply: string;
  awayMessage: string;
  timeZone: string;
  alwaysOpen: boolean;
  /** Indexed by the API's weekday, 0 = Sunday. */
  days: DayDraft[];
  slaEnabled: boolean;
  /** As typed: minutes, possibly fractional. */
  slaMinutes: string;
  slaFallbackMessage: string;
  flowCancelKeyword: string;
  /** The opt-out words as typed, separated by commas. */
  optOutKeywords: string;
}

/** Field errors: the API's field names, with business hours as `hours.<weekday>.<range index>`. */
export type DraftErrors = Record<string, string>;

/** Where each range sent to the API came from, so its errors (`businessHours.<i>`) land on the right row. */
type RangeOrder = { weekday: number; index: number }[];

export const MAX_REPLY = 4096;
const DEFAULT_SLA_MINUTES = 15;
const MAX_SLA_MINUTES = 7 * 24 * 60;
const MIDNIGHT_INPUT = '00:00';
const MIDNIGHT_API = '24:00';

/** A workspace that has never saved settings. */
export const EMPTY_SETTINGS: BotSettings = {
  defaultReply: null, awayMessage: null, timeZone: 'UTC', businessHours: null, humanSlaSeconds: null, slaFallbackMessage: null, flowCancelKeyword: 'stop',
  optOutKeywords: ['STOP', 'UNSUBSCRIBE', 'BAJA'],
};

/** Every business-hours error key starts with this. */
export const HOURS_ERRORS = 'hours.';

/** The prefix of one day's range errors. */
export function dayErrors(weekday: number): string {
  return `${HOURS_ERRORS}${weekday}.`;
}

export function rangeErrorKey(weekday: number, index: number): string {
  return `${dayErrors(weekday)}${index}`;
}

/** The errors without those whose key starts with `prefix`. */
export function withoutErrors(errors: DraftErrors, prefix: string): DraftErrors {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => !key.startsWith(prefix)));
}

/** The form's draft for saved settings; the API's 24:00 (end of day) shows as 00:00 in a time input. */
export function draftFromSettings(s: BotSettings): SettingsDraft {
  const days = emptyWeek();
  for (const r of s.businessHours ?? []) {
    const day = days[r.weekday];
    if (!day) continue;
    day.open = true;
    day.ranges.push({ open: r.open, close: r.close === MIDNIGHT_API ? MIDNIGHT_INPUT : r.close });
  }
  for (const day of days) day.ranges.sort((a, b) => a.open.localeCompare(b.open));
  return {
    defaultReply: s.defaultReply ?? '',
    awayMessage: s.awayMessage ?? '',
    timeZone: s.timeZone,
    alwaysOpen: s.businessHours === null,
    days,
    slaEnabled: s.humanSlaSeconds !== null,
    slaMinutes: s.humanSlaSeconds === null ? String(DEFAULT_SLA_MINUTES) : minutesText(s.humanSlaSeconds),
    slaFallbackMessage: s.slaFallbackMessage ?? '',
    flowCancelKeyword: s.flowCancelKeyword,
    optOutKeywords: s.optOutKeywords.join(', '),
  };
}

/** The draft as the API wants it (Monday first), and where each range came from. */
export function settingsInput(d: SettingsDraft): { input: Required<Omit<BotSettingsInput, 'optInKeywords' | 'optOutReply' | 'optInReply'>>; order: RangeOrder } {
  const order: RangeOrder = [];
  const hours: OpeningRange[] = [];
  if (!d.alwaysOpen) {
    for (const weekday of WEEK_ORDER) {
      const day = d.days[weekday];
      if (!day.open) continue;
      day.ranges.forEach((r, index) => {
        order.push({ weekday, index });
        hours.push({ weekday, open: r.open, close: r.close === MIDNIGHT_INPUT ? MIDNIGHT_API : r.close });
      });
    }
  }
  return {
    order,
    input: {
      defaultReply: d.defaultReply.trim() || null,
      awayMessage: d.awayMessage.trim() || null,
      timeZone: d.timeZone.trim(),
      businessHours: d.alwaysOpen ? null : hours,
      humanSlaSeconds: d.slaEnabled ? Math.round(Number(d.slaMinutes) * 60) : null,
      slaFallbackMessage: d.slaFallbackMessage.trim() || null,
      // Empty keeps the saved keyword: a running flow can always be left.
      flowCancelKeyword: d.flowCancelKeyword.trim() || null,
      // None keeps the saved words: a contact can always opt out.
      optOutKeywords: keywordList(d.optOutKeywords).length ? keywordList(d.optOutKeywords) : null,
    },
  };
}

/** The checks the API makes too, so most mistakes show before a round trip. */
export function validateDraft(d: SettingsDraft): DraftErrors {
  const errors: DraftErrors = {};
  const tooLong = `is longer than WhatsApp allows (${MAX_REPLY} characters)`;
  if (d.defaultReply.trim().length > MAX_REPLY) errors.defaultReply = tooLong;
  if (d.awayMessage.trim().length > MAX_REPLY) errors.awayMessage = tooLong;
  if (d.slaFallbackMessage.trim().length > MAX_REPLY) errors.slaFallbackMessage = tooLong;
  if (d.flowCancelKeyword.trim().length > 50) errors.flowCancelKeyword = 'is longer than 50 characters';
  if (keywordList(d.optOutKeywords).some((k) => k.length > 50)) errors.optOutKeywords = 'a word is longer than 50 characters';
  if (keywordList(d.optOutKeywords).length > 20) errors.optOutKeywords = 'has more than 20 words';
  if (!d.timeZone.trim()) errors.timeZone = 'choose a time zone';
  if (!d.alwaysOpen) {
    d.days.forEach((day, weekday) => {
      if (!day.open) return;
      day.ranges.forEach((r, index) => {
        const key = rangeErrorKey(weekday, index);
        if (!r.open || !r.close) errors[key] = 'enter both times';
        else if (r.close !== MIDNIGHT_INPUT && toMinutes(r.open) >= toMinutes(r.close)) errors[key] = 'closes before it opens';
      });
    });
  }
  if (d.slaEnabled) {
    const minutes = Number(d.slaMinutes);
    if (!d.slaMinutes.trim() || !Number.isFinite(minutes) || Math.round(minutes * 60) < 1) errors.humanSlaSeconds = 'enter a wait time of at least 1 minute';
    else if (minutes > MAX_SLA_MINUTES) errors.humanSlaSeconds = `must be at most 7 days (${MAX_SLA_MINUTES} minutes)`;
  }
  return errors;
}

/**
 * The API's field errors on the form's keys: `businessHours.<i>.close` → the row that range came
 * from, any other nested field → its top-level field.
 */
export function draftErrorsFromServer(fields: Record<string, string>, order: RangeOrder): DraftErrors {
  const errors: DraftErrors = {};
  for (const [field, message] of Object.entries(fields)) {
    const range = /^businessHours\.(\d+)/.exec(field);
    const at = range ? order[Number(range[1])] : undefined;
    errors[at ? rangeErrorKey(at.weekday, at.index) : field.split('.')[0]] = message;
  }
  return errors;
}

/** Seconds as the minutes field shows them: 90 → "1.5", 600 → "10". */
function minutesText(seconds: number): string {
  return String(Number((seconds / 60).toFixed(2)));
}

/** "stop, Unsubscribe ," → ["STOP", "UNSUBSCRIBE"]: words are compared in any case, shown in capitals. */
function keywordList(text: string): string[] {
  return [...new Set(text.split(',').map((k) => k.trim().toUpperCase()).filter(Boolean))];
}
