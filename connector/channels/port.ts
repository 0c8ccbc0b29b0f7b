/** The one port every channel adapter implements (simulator, baileys, cloud). */
import type { InboundMediaRef } from './inbound-message';

/** A reply button (WhatsApp shows at most 3). */
export interface ReplyButton {
  id: string;
  title: string;
}

/** A row of a list message (WhatsApp shows at most 10). */
export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

/** The kinds of media a message can carry. */
export type OutboundMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/**
 * What a send puts on the wire, besides its text. Absent: a plain text message. Media comes by
 * URL (fetched by the channel) or as a stored blob (`blobKey`, see connector/media).
 */
export type OutboundContent =
  | { kind: 'media'; media: OutboundMediaKind; url?: string; blobKey?: string; mimeType?: string; fileName?: string }
  | { kind: 'buttons'; buttons: ReplyButton[]; footer?: string }
  | { kind: 'list'; button: string; rows: ListRow[]; footer?: string }
  | { kind: 'template'; name: string; language: string; variables: string[] }
  | { kind: 'reaction'; targetExternalId: string; emoji: string };

/**
 * Whose send it is, for the channel's limiter: a conversation's message ('inbox': replies, agents,
 * flows) always goes before a broadcast's, which only gets a turn no inbox send is waiting for.
 */
export type SendPriority = 'inbox' | 'broadcast';

/** One outbound message as the channel sends it. */
export interface OutboundMessage {
  /** Derived from the workflow; the same on every retry of one message. */
  idempotencyKey: string;
  /** E.164, e.g. "+4915112345678". */
  to: string;
  /** The body; a media message's caption (may be empty); a template's rendered text, for the record. */
  text: string;
  content?: OutboundContent;
  /** The WhatsApp id of the message this one quotes. */
  replyToExternalId?: string;
  /** The conversation it belongs to (the Cloud API checks its 24-hour window). */
  conversationId?: string;
  /** Absent: 'inbox'. */
  priority?: SendPriority;
}

/** Inbound media's bytes as the channel hands them over. */
export interface DownloadedMedia {
  body: NodeJS.ReadableStream | Buffer;
  mimeType: string;
  size?: number;
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
  send(message: OutboundMessage): Promise<{ externalId: string }>;
  /** Tells the wire the customer's message was read (blue ticks). Optional: the simulator has none. */
  markRead?(message: { externalId: string; from: string }): Promise<void>;
  /** The bytes of an inbound message's media. Optional: only channels that receive media. */
  downloadMedia?(media: InboundMediaRef): Promise<DownloadedMedia>;
}

/**
 * A send that no retry can fix (number not on WhatsApp, banned, text rejected). `channelRejected`:
 * the channel itself refuses every send until someone fixes it (its credentials are rejected, its
 * number is locked, it is gone), not only this message: a broadcast stops there, FAILED.
 */
export class PermanentChannelError extends Error {
  constructor(
    message: string,
    readonly channelRejected = false,
  ) {
    super(message);
  }
}

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
