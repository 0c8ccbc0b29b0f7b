import { chosenTitle, contactsOf, formatBytes, locationOf, unsupportedLabel } from './message-details';

describe('message details', () => {
  it('shows a location by name with its address, or by coordinates, with a map link', () => {
    expect(locationOf({ latitude: 52.52, longitude: 13.405, name: 'Cafe Uno', address: 'Unter den Linden 1' })).toEqual({
      label: 'Cafe Uno',
      address: 'Unter den Linden 1',
      mapUrl: 'https://www.openstreetmap.org/?mlat=52.52&mlon=13.405#map=17/52.52/13.405',
    });
    expect(locationOf({ latitude: -15.6248531, longitude: -56.0980328 })?.label).toBe('-15.62485, -56.09803');
    expect(locationOf({ latitude: 1, longitude: 2, url: 'https://maps.example.com/x' })?.mapUrl).toBe('https://maps.example.com/x');
    expect(locationOf({ latitude: 1, longitude: 2, url: 'javascript:alert(1)' })?.mapUrl).toMatch(/^https:\/\/www\.openstreetmap\.org\//);
    expect(locationOf({ name: 'no coordinates' })).toBeNull();
  });

  it('reads contact cards of both channels', () => {
    expect(contactsOf({ contacts: [{ name: { formatted_name: 'Ana Lima' }, phones: [{ phone: '+55 11 5555-0000', wa_id: '551155550000' }] }] })).toEqual([
      { name: 'Ana Lima', phones: ['+55 11 5555-0000'] },
    ]);
    expect(contactsOf({ contacts: [{ name: 'Bo', vcard: 'BEGIN:VCARD\nTEL;type=CELL;waid=491511:+49 151 1\nEND:VCARD' }] })).toEqual([{ name: 'Bo', phones: ['+49 151 1'] }]);
    expect(contactsOf(null)).toEqual([]);
  });

  it('names what a reply chose and what is unsupported', () => {
    expect(chosenTitle({ id: 'yes', title: 'Yes please' }, 'Yes please')).toBe('Yes please');
    expect(chosenTitle({ id: 'yes' }, 'Yes please')).toBe('Yes please');
    expect(unsupportedLabel({ type: 'ephemeral' })).toBe('Unsupported message (ephemeral)');
    expect(unsupportedLabel({ contentType: 'pollUpdateMessage' })).toBe('Unsupported message (pollUpdateMessage)');
    expect(unsupportedLabel(null)).toBe('Unsupported message (unknown type)');
  });

  it('formats sizes', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(5 * 1024 * 1024), formatBytes(null)]).toEqual(['512 B', '1.5 KB', '5.0 MB', '']);
  });
});
