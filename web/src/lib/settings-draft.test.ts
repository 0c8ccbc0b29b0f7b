import {
  draftErrorsFromServer, draftFromSettings, EMPTY_SETTINGS, MAX_REPLY, type SettingsDraft, settingsInput, validateDraft, withoutErrors,
} from './settings-draft';

const SAVED = {
  defaultReply: 'Thanks!',
  awayMessage: 'We are closed.',
  timeZone: 'Europe/Berlin',
  businessHours: [
    { weekday: 1, open: '13:00', close: '24:00' },
    { weekday: 1, open: '08:00', close: '12:00' },
    { weekday: 0, open: '10:00', close: '14:00' },
  ],
  humanSlaSeconds: 90,
  slaFallbackMessage: null,
  flowCancelKeyword: 'cancel',
  optOutKeywords: ['STOP', 'BAJA'],
};

function draft(overrides: Partial<SettingsDraft> = {}): SettingsDraft {
  return { ...draftFromSettings(EMPTY_SETTINGS), ...overrides };
}

describe('draftFromSettings', () => {
  test('never saved: always open, silent, SLA off with 15 minutes ready', () => {
    const d = draftFromSettings(EMPTY_SETTINGS);
    expect(d).toMatchObject({ defaultReply: '', awayMessage: '', timeZone: 'UTC', alwaysOpen: true, slaEnabled: false, slaMinutes: '15', slaFallbackMessage: '' });
    expect(d.days.every((day) => !day.open)).toBe(true);
  });

  test('ranges go to their weekday sorted by opening time, and 24:00 shows as 00:00', () => {
    const d = draftFromSettings(SAVED);
    expect(d.alwaysOpen).toBe(false);
    expect(d.days[1]).toEqual({ open: true, ranges: [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '00:00' }] });
    expect(d.days[0]).toEqual({ open: true, ranges: [{ open: '10:00', close: '14:00' }] });
    expect(d.days[2]).toEqual({ open: false, ranges: [] });
  });

  test('the SLA shows in minutes, fractions kept to two places', () => {
    expect(draftFromSettings(SAVED)).toMatchObject({ slaEnabled: true, slaMinutes: '1.5' });
    expect(draftFromSettings({ ...SAVED, humanSlaSeconds: 600 }).slaMinutes).toBe('10');
    expect(draftFromSettings({ ...SAVED, humanSlaSeconds: 100 }).slaMinutes).toBe('1.67');
  });
});

describe('settingsInput', () => {
  test('round-trips saved settings, Monday first, midnight back to 24:00', () => {
    const { input, order } = settingsInput(draftFromSettings(SAVED));
    expect(input).toEqual({
      defaultReply: 'Thanks!',
      awayMessage: 'We are closed.',
      timeZone: 'Europe/Berlin',
      businessHours: [
        { weekday: 1, open: '08:00', close: '12:00' },
        { weekday: 1, open: '13:00', close: '24:00' },
        { weekday: 0, open: '10:00', close: '14:00' },
      ],
      humanSlaSeconds: 90,
      slaFallbackMessage: null,
      flowCancelKeyword: 'cancel',
      optOutKeywords: ['STOP', 'BAJA'],
    });
    expect(order).toEqual([{ weekday: 1, index: 0 }, { weekday: 1, index: 1 }, { weekday: 0, index: 0 }]);
  });

  test('blank replies are null (silence); always open is null hours; SLA off is null', () => {
    const { input } = settingsInput(draft({ defaultReply: '   ', awayMessage: '\n', slaFallbackMessage: ' ', timeZone: ' UTC ', flowCancelKeyword: ' ', optOutKeywords: ' , ' }));
    // A blank stop word keeps the saved one (null leaves it as it is).
    expect(input).toEqual({ defaultReply: null, awayMessage: null, timeZone: 'UTC', businessHours: null, humanSlaSeconds: null, slaFallbackMessage: null, flowCancelKeyword: null, optOutKeywords: null });
  });

  test('closed days send nothing, and no days open is an empty week (never open), not always open', () => {
    const d = draftFromSettings(SAVED);
    d.days[1].open = false;
    d.days[0].open = false;
    expect(settingsInput(d).input.businessHours).toEqual([]);
  });

  test('the SLA in minutes becomes whole seconds', () => {
    expect(settingsInput(draft({ slaEnabled: true, slaMinutes: '2.5' })).input.humanSlaSeconds).toBe(150);
    expect(settingsInput(draft({ slaEnabled: true, slaMinutes: '0.01' })).input.humanSlaSeconds).toBe(1);
  });
});

describe('validateDraft', () => {
  test('saved settings are valid', () => {
    expect(validateDraft(draftFromSettings(SAVED))).toEqual({});
  });

  test('a reply longer than WhatsApp allows is flagged on its field', () => {
    const errors = validateDraft(draft({ awayMessage: 'x'.repeat(MAX_REPLY + 1), defaultReply: 'x'.repeat(MAX_REPLY) }));
    expect(errors).toEqual({ awayMessage: 'is longer than WhatsApp allows (4096 characters)' });
  });

  test('a time zone is required', () => {
    expect(validateDraft(draft({ timeZone: ' ' }))).toEqual({ timeZone: 'choose a time zone' });
  });

  test('a range that closes before it opens, or lacks a time, is flagged on its row; a close at midnight is fine', () => {
    const d = draftFromSettings(SAVED);
    d.days[1].ranges[0] = { open: '12:00', close: '08:00' };
    d.days[0].ranges[0] = { open: '10:00', close: '' };
    d.days[1].ranges[1] = { open: '22:00', close: '00:00' };
    expect(validateDraft(d)).toEqual({ 'hours.1.0': 'closes before it opens', 'hours.0.0': 'enter both times' });
  });

  test('ranges of closed days, or of an always-open week, are not checked', () => {
    const d = draftFromSettings(SAVED);
    d.days[1].ranges[0] = { open: '12:00', close: '08:00' };
    expect(validateDraft({ ...d, alwaysOpen: true })).toEqual({});
    d.days[1].open = false;
    expect(validateDraft(d)).toEqual({});
  });

  test.each([
    ['', 'enter a wait time of at least 1 minute'],
    ['abc', 'enter a wait time of at least 1 minute'],
    ['0', 'enter a wait time of at least 1 minute'],
    ['10081', 'must be at most 7 days (10080 minutes)'],
  ])('an SLA of "%s" minutes: %s', (minutes, message) => {
    expect(validateDraft(draft({ slaEnabled: true, slaMinutes: minutes }))).toEqual({ humanSlaSeconds: message });
    expect(validateDraft(draft({ slaEnabled: false, slaMinutes: minutes }))).toEqual({});
  });

  test('an SLA of 7 days exactly is allowed', () => {
    expect(validateDraft(draft({ slaEnabled: true, slaMinutes: '10080' }))).toEqual({});
  });
});

describe('server errors', () => {
  test("a range's error lands on the row it was sent from; nested fields on their top-level field", () => {
    const { order } = settingsInput(draftFromSettings(SAVED));
    expect(draftErrorsFromServer({ 'businessHours.2.close': 'must be HH:MM', 'timeZone': 'is not an IANA time zone', 'businessHours': 'too many' }, order))
      .toEqual({ 'hours.0.0': 'must be HH:MM', timeZone: 'is not an IANA time zone', businessHours: 'too many' });
  });

  test('withoutErrors drops one prefix and keeps the rest', () => {
    expect(withoutErrors({ 'hours.1.0': 'a', 'hours.1.1': 'b', 'hours.10.0': 'c', timeZone: 'd' }, 'hours.1.')).toEqual({ 'hours.10.0': 'c', timeZone: 'd' });
  });
});
