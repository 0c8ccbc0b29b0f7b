/** Canonical phone handling: a contact's key is its E.164 number's digits. Pure. */

export class InvalidPhoneError extends Error {}

/** "+49 151 1234-5678" → "4915112345678"; throws on anything that is not an E.164 number. */
export function toContactKey(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[\s\-().]/g, '').replace(/^\+/, '').replace(/^00/, '');
  if (!/^[1-9]\d{6,14}$/.test(digits) || /[^\d\s\-().+]/.test(trimmed)) {
    throw new InvalidPhoneError(`"${phone}" is not a phone number in international format, like +4915112345678`);
  }
  return digits;
}
