import { renderTemplate, templateVariables, isContactVariable } from './variables';

const scope = { contact: { name: 'Ana', phone: '+4915112345678', fields: { city: 'Berlin' } }, variables: { date: '2026-12-24', count: 3 } };

test('renders contact and flow variables, unknown ones as nothing', () => {
  expect(renderTemplate('Hi {{contact.name}} ({{ contact.phone }}), {{date}} x{{count}} in {{contact.fields.city}}{{missing}}.', scope)).toBe(
    'Hi Ana (+4915112345678), 2026-12-24 x3 in Berlin.',
  );
});

test('lists the names a text uses, once each', () => {
  expect(templateVariables('{{a}} {{contact.name}} {{a}}')).toEqual(['a', 'contact.name']);
  expect(isContactVariable('contact.fields.city')).toBe(true);
  expect(isContactVariable('contact.email2')).toBe(false);
});
