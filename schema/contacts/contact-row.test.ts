import { mapColumns, mergeRows, normalizePhone, parseContactRow, supportedCountry, type FieldInfo } from './contact-row';

const fields: FieldInfo[] = [
  { key: 'plan', name: 'Plan', type: 'CHOICE', choices: ['Free', 'Pro'] },
  { key: 'last_order', name: 'Last order', type: 'DATE', choices: null },
];

describe('mapColumns', () => {
  it('recognizes contact columns by their usual names and fields by key or name', () => {
    const mapped = mapColumns(['Phone Number', 'Full Name', 'E-mail', 'Tags', 'plan', 'Last Order', 'Comment'], fields);
    expect(mapped).toEqual({
      targets: [
        { kind: 'contact', column: 'phone' },
        { kind: 'contact', column: 'name' },
        { kind: 'contact', column: 'email' },
        { kind: 'contact', column: 'labels' },
        { kind: 'field', field: fields[0] },
        { kind: 'field', field: fields[1] },
        { kind: 'ignored' },
      ],
      ignored: ['Comment'],
    });
  });

  it('follows an explicit mapping and leaves every other column out', () => {
    const mapped = mapColumns(['Tel', 'Nombre', 'Tarifa'], fields, [
      { column: 'Tel', field: 'phone' },
      { column: 'Tarifa', field: 'plan' },
    ]);
    expect(mapped).toMatchObject({ targets: [{ kind: 'contact', column: 'phone' }, { kind: 'ignored' }, { kind: 'field', field: fields[0] }], ignored: ['Nombre'] });
  });

  it('refuses a header it cannot import', () => {
    expect(mapColumns(['name'], fields)).toEqual({ error: 'no phone column: name one phone, phone_number, phonenumber, mobile (or map one)' });
    expect(mapColumns(['phone', 'mobile'], fields)).toEqual({ error: 'two columns are both phone' });
    expect(mapColumns(['phone'], fields, [{ column: 'Phone', field: 'phone' }])).toEqual({ error: 'mapping: the file has no column "Phone"' });
    expect(mapColumns(['phone', 'x'], fields, [{ column: 'phone', field: 'phone' }, { column: 'x', field: 'shoe' }])).toEqual({
      error: 'mapping: "shoe" is neither a contact column (phone, name, email, labels, opted_out) nor a custom field key',
    });
  });
});

describe('parseContactRow', () => {
  const header = ['phone', 'name', 'email', 'labels', 'opted_out', 'plan'];
  const mapped = mapColumns(header, fields);
  if ('error' in mapped) throw new Error(mapped.error);
  const row = (cells: string[]) => parseContactRow(cells, header, mapped.targets, 'DE');

  it('reads a row, trimming values and normalizing the phone, email and choice', () => {
    expect(row([' 0151 2345 6789 ', ' Ana ', 'Ana@Example.COM', 'VIP; Lead', 'yes', 'pro'])).toEqual({
      contactKey: '4915123456789',
      phone: '+4915123456789',
      name: 'Ana',
      email: 'ana@example.com',
      labels: ['VIP', 'Lead'],
      optedOut: true,
      fields: { plan: 'Pro' },
    });
  });

  it('leaves empty cells out, so they change nothing', () => {
    expect(row(['+4915123456789', '', '', '', 'no', ''])).toEqual({ contactKey: '4915123456789', phone: '+4915123456789', fields: {} });
  });

  it('names the first problem of a bad row', () => {
    expect(row(['', 'Ana'])).toEqual({ error: 'has no phone number' });
    expect(row(['call me', 'Ana'])).toEqual({ error: 'phone: "call me" is not a phone number' });
    expect(row(['+4915123456789', 'Ana', 'ana@'])).toEqual({ error: 'email: "ana@" is not an email address' });
    expect(row(['+4915123456789', 'Ana', '', '', '', 'Gold'])).toEqual({ error: 'plan: must be one of Free, Pro' });
    expect(row(['+4915123456789', 'Ana', '', '', '', '', 'extra'])).toEqual({ error: 'has 7 values, the header 6 (a comma inside a value needs quotes)' });
  });
});

describe('normalizePhone', () => {
  it('gives E.164 for international and local numbers', () => {
    expect(normalizePhone('+1 (415) 555-2671', null)).toEqual({ e164: '+14155552671' });
    expect(normalizePhone('0049 151 23456789', null)).toEqual({ e164: '+4915123456789' });
    expect(normalizePhone('55 1234 5678', 'MX')).toEqual({ e164: '+525512345678' });
  });

  it('refuses what is not a number, and a local number without a country', () => {
    expect(normalizePhone('0151 23456789', null)).toEqual({ error: '"0151 23456789" has no country code (+…): give a default country for local numbers' });
    expect(normalizePhone('+49 1', null)).toEqual({ error: '"+49 1" is not a valid phone number' });
    expect(normalizePhone('n/a', 'DE')).toEqual({ error: '"n/a" is not a phone number' });
  });

  it('knows country codes', () => {
    expect(supportedCountry(' de ')).toBe('DE');
    expect(supportedCountry('XX')).toBeNull();
  });
});

describe('mergeRows', () => {
  it('lets later values win and adds labels up', () => {
    const first = { contactKey: '1', phone: '+1', name: 'A', labels: ['x'], fields: { plan: 'Free', a: 1 } };
    const later = { contactKey: '1', phone: '+1', email: 'b@example.com', labels: ['y', 'x'], optedOut: true as const, fields: { plan: 'Pro' } };
    expect(mergeRows(first, later)).toEqual({ contactKey: '1', phone: '+1', name: 'A', email: 'b@example.com', labels: ['x', 'y'], optedOut: true, fields: { plan: 'Pro', a: 1 } });
  });
});
