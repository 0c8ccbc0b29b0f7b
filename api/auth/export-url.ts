/**
 * Short-lived signed URLs for a contacts export (GET /exports/contacts): exportContacts checks the
 * caller and the filter, then hands out a URL that carries the workspace, the filter and the
 * expiry, signed with an HMAC under a key derived from JWT_SECRET, so a browser download (no
 * Authorization header) can fetch it for a few minutes, and nobody can change what it exports.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ContactFilter } from '../../schema/contacts/contact-filter';

/** How long an export URL is good for. */
export const EXPORT_URL_VALID_MS = 5 * 60 * 1000;

export interface ExportGrant {
  workspaceId: string;
  filter: ContactFilter;
  /** Epoch seconds. */
  expires: number;
}

/** The path and query that download the export until it expires. */
export function signedExportPath(secret: string, workspaceId: string, filter: ContactFilter, now = Date.now()): string {
  const grant: ExportGrant = { workspaceId, filter, expires: Math.ceil((now + EXPORT_URL_VALID_MS) / 1000) };
  const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
  return `/exports/contacts?grant=${payload}&signature=${signature(secret, payload)}`;
}

/** The grant a URL signs, or null when the signature is wrong or it has expired. */
export function verifiedExportGrant(secret: string, payload: string, sig: string, now = Date.now()): ExportGrant | null {
  const expected = Buffer.from(signature(secret, payload), 'hex');
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ExportGrant;
    return Number.isSafeInteger(grant.expires) && grant.expires * 1000 > now ? grant : null;
  } catch {
    return null;
  }
}

function signature(secret: string, payload: string): string {
  const key = createHmac('sha256', secret).update('parley contacts export v1').digest();
  return createHmac('sha256', key).update(payload).digest('hex');
}
