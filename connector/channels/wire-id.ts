import { createHash } from 'node:crypto';

/**
 * The WhatsApp message id a send carries, derived from its idempotency key: the same key gives
 * the same id, so a retried send is the same message on the wire. The form is WhatsApp Web's own
 * (`3EB0` and upper-case hex, as Baileys generates), used by the simulator and by Baileys sends.
 */
export function wireIdFor(idempotencyKey: string): string {
  return `3EB0${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20).toUpperCase()}`;
}
