/** WhatsApp Web addresses (JIDs): `<user>[:device]@<server>`. Pure. */

/** The address of a person by phone number. */
export const PHONE_SERVERS = ['s.whatsapp.net', 'c.us'] as const;
export const LID_SERVER = 'lid';
export const STATUS_JID = 'status@broadcast';

/** The user part of a JID without its device or agent suffix ("4915…:12@s.whatsapp.net" → "4915…"). */
export function jidUser(jid: string): string {
  const at = jid.indexOf('@');
  return (at === -1 ? jid : jid.slice(0, at)).split(':')[0].split('_')[0];
}

/** The server part of a JID ("s.whatsapp.net", "lid", "g.us" …). */
export function jidServer(jid: string): string {
  const at = jid.indexOf('@');
  return at === -1 ? '' : jid.slice(at + 1);
}

export const isGroupJid = (jid: string) => jidServer(jid) === 'g.us';
export const isStatusJid = (jid: string) => jid === STATUS_JID;
export const isBroadcastJid = (jid: string) => jidServer(jid) === 'broadcast' && !isStatusJid(jid);
export const isLidJid = (jid: string) => jidServer(jid) === LID_SERVER;
export const isPhoneJid = (jid: string) => (PHONE_SERVERS as readonly string[]).includes(jidServer(jid));

/** "+4915112345678" for a phone JID whose user part is a number; null for anything else. */
export function phoneOfJid(jid: string | null | undefined): string | null {
  if (!jid || !isPhoneJid(jid)) return null;
  const user = jidUser(jid);
  return /^[1-9]\d{6,14}$/.test(user) ? `+${user}` : null;
}

/** The LID's user part for a `…@lid` JID; null for anything else. */
export function lidOfJid(jid: string | null | undefined): string | null {
  if (!jid || !isLidJid(jid)) return null;
  const user = jidUser(jid);
  return user || null;
}

/** The phone JID a send to an E.164 number goes to. */
export function jidOfPhone(e164: string): string {
  return `${e164.replace(/^\+/, '')}@s.whatsapp.net`;
}
