/**
 * Short-lived signed URLs for a message's stored media (GET /media/:messageId), so an <img> or
 * <audio> tag, which sends no Authorization header, can load it. The signature is an HMAC under
 * a key derived from the platform's token secret (JWT_SECRET) over the workspace, the message and
 * the expiry; the expiry is rounded up to a window, so a thread refetched within it gets the same
 * URL and the browser's cached copy.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a URL is good for, at least; at most this plus one window. */
const VALID_MS = 10 * 60 * 1000;
const WINDOW_MS = 5 * 60 * 1000;

/** The path and query that serve the message's media to whoever holds it, until it expires. */
export function signedMediaPath(secret: string, workspaceId: string, messageId: string, now = Date.now()): string {
  const expires = Math.ceil((now + VALID_MS) / WINDOW_MS) * (WINDOW_MS / 1000);
  return `/media/${messageId}?expires=${expires}&signature=${signature(secret, workspaceId, messageId, expires)}`;
}

/** True when `sig` signs this message of this workspace and `expires` (epoch seconds) has not passed. */
export function mediaSignatureIsValid(secret: string, workspaceId: string, messageId: string, expires: number, sig: string, now = Date.now()): boolean {
  if (!Number.isSafeInteger(expires) || expires * 1000 <= now) return false;
  const expected = Buffer.from(signature(secret, workspaceId, messageId, expires), 'hex');
  const given = Buffer.from(sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function signature(secret: string, workspaceId: string, messageId: string, expires: number): string {
  const key = createHmac('sha256', secret).update('parley media url v1').digest();
  return createHmac('sha256', key).update(`${workspaceId}:${messageId}:${expires}`).digest('hex');
}
