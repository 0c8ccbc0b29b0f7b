/** X-Hub-Signature-256: HMAC-SHA256 of the raw request bytes with the app secret, compared in constant time. Pure. */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/** The header value Meta sends for `body` signed with `appSecret`. */
export function signBody(body: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(body).digest('hex');
}

/** True when `header` is the signature of exactly these bytes; never parse and re-serialize the body first. */
export function verifySignature(body: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith(PREFIX)) return false;
  const given = Buffer.from(header.slice(PREFIX.length).toLowerCase(), 'utf8');
  const expected = Buffer.from(signBody(body, appSecret).slice(PREFIX.length), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
