import { isOpenAt, localTime, toMinutes } from './hours';

// Monday 2026-11-30, 08:30 UTC: 09:30 in Berlin (UTC+1 in winter), 03:30 in New York.
const MONDAY_0830_UTC = new Date('2026-11-30T08:30:00Z');
const WEEKDAYS_9_TO_17 = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '17:00' }));

test('toMinutes reads HH:MM', () => {
  expect(toMinutes('00:00')).toBe(0);
  expect(toMinutes('09:30')).toBe(570);
  expect(toMinutes('24:00')).toBe(1440);
});

test('localTime is the weekday and time in the zone', () => {
  expect(localTime(MONDAY_0830_UTC, 'Europe/Berlin')).toEqual({ weekday: 1, minutes: 570, label: 'Monday 09:30' });
  expect(localTime(new Date('2026-11-30T02:00:00Z'), 'America/New_York')).toEqual({ weekday: 0, minutes: 21 * 60, label: 'Sunday 21:00' });
  expect(localTime(MONDAY_0830_UTC, 'Not/AZone')).toBeNull();
});

test('open hours are read in the settings time zone, close exclusive', () => {
  expect(isOpenAt(WEEKDAYS_9_TO_17, 'Europe/Berlin', MONDAY_0830_UTC)).toBe(true);
  expect(isOpenAt(WEEKDAYS_9_TO_17, 'UTC', MONDAY_0830_UTC)).toBe(false);
  expect(isOpenAt(WEEKDAYS_9_TO_17, 'America/New_York', MONDAY_0830_UTC)).toBe(false);
  expect(isOpenAt(WEEKDAYS_9_TO_17, 'UTC', new Date('2026-11-30T17:00:00Z'))).toBe(false);
  expect(isOpenAt(WEEKDAYS_9_TO_17, 'UTC', new Date('2026-11-30T16:59:00Z'))).toBe(true);
});

test('null hours are always open; an empty week is never open; an unknown zone is unknown', () => {
  expect(isOpenAt(null, 'UTC', MONDAY_0830_UTC)).toBe(true);
  expect(isOpenAt([], 'UTC', MONDAY_0830_UTC)).toBe(false);
  expect(isOpenAt(WEEKDAYS_9_TO_17, 'Not/AZone', MONDAY_0830_UTC)).toBeNull();
});
