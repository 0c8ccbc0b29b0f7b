/** The one port every channel adapter implements (simulator, baileys, cloud). */

export interface OutboundText {
  /** Derived from the workflow; the same on every retry of one message. */
  idempotencyKey: string;
  /** E.164, e.g. "+4915112345678". */
  to: string;
  text: string;
}

export interface ChannelAdapter {
  /**
   * True when sending the same idempotency key again cannot show the message twice: the adapter
   * puts a wire message id derived from the key on the message (WhatsApp Web, the simulator), so
   * the wire takes a repeat as the same message. False for a wire that deduplicates nothing (the
   * Cloud API): after an ambiguous error the message is UNCERTAIN and is not sent again.
   */
  readonly retrySafe: boolean;
  /**
   * Puts the message on the wire and returns the wire's id for it. Throws PermanentChannelError
   * when it is refused for good, NotAcceptedError when the wire is known not to have taken it;
   * anything else is ambiguous (it may have gone out).
   */
  send(message: OutboundText): Promise<{ externalId: string }>;
}

/** A send that no retry can fix (number not on WhatsApp, banned, text rejected). */
export class PermanentChannelError extends Error {}

/** The wire is known not to have taken the message (429, a "not accepted" error code): retrying is safe on any wire. */
export class NotAcceptedError extends Error {}

/** How a failed channel call ends for its message. */
export type SendErrorKind = 'permanent' | 'not-accepted' | 'ambiguous';

/** Connection errors that happen before a byte of the request is written. */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * What a channel call's error says about the message: refused for good, certainly not taken (a
 * refused connection, or an adapter's NotAcceptedError), or ambiguous (a timeout, a reset after
 * the request went out, anything unknown): then only a retry-safe adapter may send again.
 */
export function classifySendError(err: unknown): SendErrorKind {
  if (err instanceof PermanentChannelError) return 'permanent';
  if (err instanceof NotAcceptedError) return 'not-accepted';
  // fetch wraps the socket's error in `cause`.
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_CONNECTED_CODES.has(code)) return 'not-accepted';
  }
  return 'ambiguous';
}
