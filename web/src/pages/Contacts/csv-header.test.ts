import { csvHeader, parseRecords } from './csv-header';

test('parseRecords reads quoted commas, doubled quotes, quoted line breaks and CRLF, and drops blank lines', () => {
  expect(parseRecords('phone,name\r\n+49 1,"Carla, Jr."\r\n\r\n+49 2,"say ""hi""\nthere"\n')).toEqual([
    ['phone', 'name'],
    ['+49 1', 'Carla, Jr.'],
    ['+49 2', 'say "hi"\nthere'],
  ]);
});

test('csvHeader strips the BOM and trims column names; a small file counts its rows exactly', async () => {
  const file = new File(['\uFEFF Mobile ,Full Name\n+491,Ana\n+492,Ben\n'], 'c.csv', { type: 'text/csv' });
  expect(await csvHeader(file)).toEqual({ columns: ['Mobile', 'Full Name'], sample: [['+491', 'Ana'], ['+492', 'Ben']], estimatedRows: 2 });
});

test('csvHeader reads only the start of a large file: the header, and rows estimated from the bytes per row', async () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `+49162${String(i).padStart(7, '0')},Contact name ${String(i).padStart(5, '0')}`);
  const file = new File([['phone,name', ...rows].join('\n')], 'big.csv');
  const { columns, estimatedRows } = await csvHeader(file);
  expect(columns).toEqual(['phone', 'name']);
  expect(estimatedRows).toBeGreaterThan(19_000);
  expect(estimatedRows).toBeLessThan(21_000);
});
