/**
 * Reading a message's `details` (GraphQL JSON: what the channel's normalizer kept for its type) for
 * display. Pure. Each channel writes its own shape for some types (a Cloud API contact card has
 * `name.formatted_name` and `phones`, a WhatsApp Web one `name` and a `vcard`), so these read
 * every known shape and fall back to the message's text, which is never empty.
 */

/** A contact card as either channel keeps it. */
export interface ContactCard {
  name?: string | { formatted_name?: string | null; first_name?: string | null } | null;
  phones?: { phone?: string | null; wa_id?: string | null }[] | null;
  vcard?: string | null;
}

/** Every field a message's details may carry; all optional. */
export interface MessageDetails {
  latitude?: number | null;
  longitude?: number | null;
  name?: string | null;
  address?: string | null;
  url?: string | null;
  contacts?: ContactCard[] | null;
  /** The chosen button or row. */
  id?: string | null;
  title?: string | null;
  description?: string | null;
  /** UNSUPPORTED: the wire's own type (Cloud API: `type`, WhatsApp Web: `contentType`). */
  type?: string | null;
  contentType?: string | null;
}

/** A location to show: its name or address, and a link to a map. */
export function locationOf(details: MessageDetails | null | undefined): { label: string; address: string | null; mapUrl: string } | null {
  const { latitude, longitude } = details ?? {};
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return null;
  const coordinates = `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
  const mapUrl = safeHttpUrl(details?.url) ?? `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
  return { label: details?.name || details?.address || coordinates, address: details?.name ? (details.address ?? null) : null, mapUrl };
}

/** The contact cards' names and phone numbers. */
export function contactsOf(details: MessageDetails | null | undefined): { name: string; phones: string[] }[] {
  return (details?.contacts ?? []).map((card) => {
    const name = typeof card.name === 'string' ? card.name : (card.name?.formatted_name ?? card.name?.first_name ?? null);
    const phones = (card.phones ?? []).map((p) => p.phone ?? (p.wa_id ? `+${p.wa_id}` : '')).filter(Boolean);
    if (phones.length === 0 && card.vcard) phones.push(...[...card.vcard.matchAll(/^TEL[^:]*:(.+)$/gm)].map((m) => m[1].trim()));
    return { name: name || phones[0] || 'Contact', phones };
  });
}

/** What a button or list reply chose: its title (WhatsApp Web keeps it only as the text). */
export function chosenTitle(details: MessageDetails | null | undefined, text: string): string {
  return details?.title || text;
}

/** "Unsupported message (ephemeral)": never a blank bubble. */
export function unsupportedLabel(details: MessageDetails | null | undefined): string {
  return `Unsupported message (${details?.type || details?.contentType || 'unknown type'})`;
}

/** "1.2 MB" */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Only http(s) links are followed: a `javascript:` URL from a message must not become a link. */
function safeHttpUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}
