import { addHours, copyToOpenDays, emptyWeek, NINE_TO_FIVE, nextRange, presetWeek, withDayOpen, withoutRange } from './week-hours';

describe('addHours', () => {
  test.each([
    ['09:00', 1, '10:00'],
    ['12:30', 3, '15:30'],
    ['22:15', 1, '23:15'],
    ['23:00', 1, '00:00'],
    ['22:00', 3, '00:00'],
  ])('%s + %d h = %s', (from, hours, expected) => {
    expect(addHours(from, hours)).toBe(expected);
  });
});

describe('nextRange', () => {
  test('on an empty day it is 9–17', () => {
    expect(nextRange([])).toEqual({ open: '09:00', close: '17:00' });
  });
  test('after a morning range it starts an hour after the close, for two hours', () => {
    expect(nextRange([{ open: '08:00', close: '12:00' }])).toEqual({ open: '13:00', close: '15:00' });
  });
  test('a late close still fits before midnight', () => {
    expect(nextRange([{ open: '18:00', close: '22:00' }])).toEqual({ open: '23:00', close: '00:00' });
  });
  test('after 22:00 or a close at midnight it falls back to 9–17', () => {
    expect(nextRange([{ open: '18:00', close: '22:30' }])).toEqual(NINE_TO_FIVE);
    expect(nextRange([{ open: '18:00', close: '00:00' }])).toEqual(NINE_TO_FIVE);
  });
});

describe('days', () => {
  test('a week starts closed, seven days by the API weekday', () => {
    expect(emptyWeek()).toEqual(Array.from({ length: 7 }, () => ({ open: false, ranges: [] })));
  });

  test('a preset opens exactly its weekdays, each with its own copy of the range', () => {
    const week = presetWeek([1, 2], { open: '08:00', close: '20:00' });
    expect(week.map((d) => d.open)).toEqual([false, true, true, false, false, false, false]);
    expect(week[1].ranges).toEqual([{ open: '08:00', close: '20:00' }]);
    week[1].ranges[0].open = '07:00';
    expect(week[2].ranges[0].open).toBe('08:00');
  });

  test('opening a day without hours gives it 9–17; one with hours keeps them', () => {
    expect(withDayOpen({ open: false, ranges: [] }, true)).toEqual({ open: true, ranges: [NINE_TO_FIVE] });
    const kept = [{ open: '10:00', close: '14:00' }];
    expect(withDayOpen({ open: false, ranges: kept }, true)).toEqual({ open: true, ranges: kept });
    expect(withDayOpen({ open: true, ranges: kept }, false)).toEqual({ open: false, ranges: kept });
  });

  test('removing the last range closes the day', () => {
    const day = { open: true, ranges: [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '17:00' }] };
    expect(withoutRange(day, 0)).toEqual({ open: true, ranges: [{ open: '13:00', close: '17:00' }] });
    expect(withoutRange(withoutRange(day, 0), 0)).toEqual({ open: false, ranges: [] });
  });

  test("copying a day's hours reaches every open day and leaves closed days closed", () => {
    const week = emptyWeek();
    week[1] = { open: true, ranges: [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '17:00' }] };
    week[3] = { open: true, ranges: [{ open: '10:00', close: '11:00' }] };
    week[5] = { open: false, ranges: [{ open: '10:00', close: '11:00' }] };
    const copied = copyToOpenDays(week, 1);
    expect(copied[3]).toEqual(week[1]);
    expect(copied[5]).toEqual({ open: false, ranges: [] });
    expect(copied[0]).toEqual({ open: false, ranges: [] });
    copied[3].ranges[0].open = '06:00';
    expect(copied[1].ranges[0].open).toBe('08:00');
  });
});
