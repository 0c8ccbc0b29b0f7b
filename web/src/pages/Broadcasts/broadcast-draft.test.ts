import type { Broadcast } from '../../graphql/broadcasts';
import { audienceOf, broadcastInput, draftOf, emptyDraft, errorSection, insertAt, localDateTime, variableHints } from './broadcast-draft';

const NOW = new Date('2026-12-03T14:00:00Z');
const draft = (over: Partial<ReturnType<typeof emptyDraft>>) => ({ ...emptyDraft(), name: 'Spring', channelId: 'c1', text: 'Hi', ...over });

describe('audienceOf', () => {
  it('means the chosen labels, segment or contacts, by the mode shown', () => {
    expect(audienceOf(draft({ audienceMode: 'LABELS', labelIds: ['l1', 'l2'], segmentId: 's1' }))).toEqual({ labelIds: ['l1', 'l2'] });
    expect(audienceOf(draft({ audienceMode: 'SEGMENT', labelIds: ['l1'], segmentId: 's1' }))).toEqual({ segmentId: 's1' });
    expect(audienceOf(draft({ audienceMode: 'CONTACTS', contactIds: ['a', 'b'] }))).toEqual({ contactIds: ['a', 'b'] });
  });
  it('is null while the shown mode has nothing chosen', () => {
    expect(audienceOf(draft({ audienceMode: 'LABELS', segmentId: 's1' }))).toBeNull();
    expect(audienceOf(draft({ audienceMode: 'SEGMENT', labelIds: ['l1'] }))).toBeNull();
    expect(audienceOf(draft({ audienceMode: 'CONTACTS' }))).toBeNull();
  });
});

describe('broadcastInput', () => {
  it('sends a text broadcast now at the channel pace', () => {
    expect(broadcastInput(draft({ labelIds: ['l1'] }), NOW)).toEqual({
      input: { name: 'Spring', channelId: 'c1', text: 'Hi', audience: { labelIds: ['l1'] }, scheduledAt: null, ratePerMinute: null },
    });
  });
  it('sends a template with its variables instead of text', () => {
    const { input } = broadcastInput(draft({ messageKind: 'TEMPLATE', templateName: ' spring_sale ', templateLanguage: 'en_US', templateVariables: ['{{contact.name}}'], labelIds: ['l1'] }), NOW);
    expect(input).toMatchObject({ template: { name: 'spring_sale', language: 'en_US', variables: ['{{contact.name}}'] } });
    expect(input).not.toHaveProperty('text');
  });
  it('turns a local schedule into an instant and a typed rate into a number', () => {
    const later = new Date(NOW.getTime() + 3_600_000);
    const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    const { input } = broadcastInput(draft({ labelIds: ['l1'], schedule: 'LATER', scheduledAt: local, ratePerMinute: ' 120 ' }), NOW);
    expect(input?.scheduledAt).toBe(later.toISOString());
    expect(input?.ratePerMinute).toBe(120);
  });
  it('refuses a schedule chosen but empty or past, and a rate that is not a whole positive number', () => {
    expect(broadcastInput(draft({ schedule: 'LATER' }), NOW).errors).toEqual({ scheduledAt: 'choose a date and time' });
    expect(broadcastInput(draft({ schedule: 'LATER', scheduledAt: '2026-01-01T10:00' }), NOW).errors).toEqual({ scheduledAt: 'must be in the future' });
    expect(broadcastInput(draft({ ratePerMinute: '1.5' }), NOW).errors).toEqual({ ratePerMinute: expect.stringMatching(/whole number/) });
    expect(broadcastInput(draft({ ratePerMinute: '0' }), NOW).errors).toHaveProperty('ratePerMinute');
  });
  it('ignores a schedule date typed and then switched back to now', () => {
    expect(broadcastInput(draft({ schedule: 'NOW', scheduledAt: '2026-01-01T10:00' }), NOW).input?.scheduledAt).toBeNull();
  });
  it('leaves an unchosen audience to the server, which says what is missing', () => {
    expect(broadcastInput(draft({}), NOW).input?.audience).toEqual({});
  });
});

describe('variableHints', () => {
  it('offers name, phone and each custom field by key', () => {
    expect(variableHints([{ key: 'city', name: 'City' }]).map((h) => h.token)).toEqual(['{{contact.name}}', '{{contact.phone}}', '{{contact.fields.city}}']);
  });
});

describe('insertAt', () => {
  it('replaces the selection and puts the caret after the token', () => {
    expect(insertAt('Hi there', 3, 8, '{{contact.name}}')).toEqual({ text: 'Hi {{contact.name}}', caret: 19 });
    expect(insertAt('Hi', 2, 2, '!')).toEqual({ text: 'Hi!', caret: 3 });
  });
  it('clamps a caret beyond the text', () => {
    expect(insertAt('Hi', 10, 12, 'x')).toEqual({ text: 'Hix', caret: 3 });
  });
});

describe('errorSection', () => {
  it('files nested server errors under their section', () => {
    expect(errorSection('audience.labelIds')).toBe('audience');
    expect(errorSection('audience')).toBe('audience');
    expect(errorSection('template.variables.2')).toBe('template.variables');
    expect(errorSection('template.name')).toBe('template.name');
    expect(errorSection('name')).toBe('name');
  });
});

describe('draftOf', () => {
  const saved = {
    id: 'b1', name: 'Spring', channelId: 'c1', status: 'DRAFT', text: null, template: { name: 'spring_sale', language: 'en_US', variables: ['{{contact.name}}'] },
    audience: { segmentId: 's1' }, scheduledAt: '2026-12-04T09:30:00.000Z', ratePerMinute: 120,
  } as unknown as Broadcast;
  it('fills the form from a saved draft, and the form makes the same input back', () => {
    const d = draftOf(saved);
    expect(d).toMatchObject({ messageKind: 'TEMPLATE', templateName: 'spring_sale', audienceMode: 'SEGMENT', segmentId: 's1', schedule: 'LATER', ratePerMinute: '120' });
    expect(d.scheduledAt).toBe(localDateTime(new Date('2026-12-04T09:30:00.000Z')));
    expect(broadcastInput(d, NOW).input).toEqual({
      name: 'Spring', channelId: 'c1', template: { name: 'spring_sale', language: 'en_US', variables: ['{{contact.name}}'] },
      audience: { segmentId: 's1' }, scheduledAt: '2026-12-04T09:30:00.000Z', ratePerMinute: 120,
    });
  });
  it('reads a text draft to chosen contacts sent now', () => {
    const d = draftOf({ ...saved, text: 'Hi', template: null, audience: { contactIds: ['a', 'b'] }, scheduledAt: null, ratePerMinute: null } as unknown as Broadcast);
    expect(d).toMatchObject({ messageKind: 'TEXT', text: 'Hi', audienceMode: 'CONTACTS', contactIds: ['a', 'b'], schedule: 'NOW', scheduledAt: '', ratePerMinute: '' });
  });
});
