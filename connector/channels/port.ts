/** The one port every channel adapter implements (simulator, baileys, cloud). */

export interface OutboundText {
  /** Derived from the workflow; the adapter must never put two messages on the wire for one key. */
  idempotencyKey: string;
  /** E.164, e.g. "+4915112345678". */
  to: string;
  text: string;
}

export interface ChannelAdapter {
  send(message: OutboundText): Promise<{ externalId: string }>;
}

/** A send that no retry can fix (number not on WhatsApp, banned, text rejected). */
export class PermanentChannelError extends Error {}
