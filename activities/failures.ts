/** Failure types that tell Temporal not to retry, and the reasons a send shows when it stops. */
import { ApplicationFailure } from '@temporalio/common';

export const PERMANENT_SEND_FAILURE = 'PermanentSendFailure';

export function permanentSendFailure(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reason, PERMANENT_SEND_FAILURE);
}

export const CHANNEL_REJECTED = 'ChannelRejected';

/**
 * The channel refuses every send until someone fixes it (credentials rejected, number locked, no
 * such channel): not retried. A broadcast's batch lets it fail the broadcast; a conversation's
 * send counts the message FAILED and goes on.
 */
export function channelRejected(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reason, CHANNEL_REJECTED);
}

export function isChannelRejected(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === CHANNEL_REJECTED;
}

/** Why a message is UNCERTAIN (an agent reads these in the inbox, next to "resend"). */
export const UNCERTAIN_REASONS = {
  /** A retry found the row SENDING on a wire that deduplicates nothing: the attempt before it died mid-call. */
  previousAttempt: 'The previous attempt may have reached WhatsApp; not resent automatically.',
  /** The channel call failed in a way that does not say whether the message went out. */
  ambiguousError: (error: string) => `The send may have reached WhatsApp (${error}); not resent automatically.`,
  /** The send was given up while an attempt was out. */
  gaveUp: (reason: string) => `Gave up (${reason}) after an attempt that may have reached WhatsApp; not resent automatically.`,
};

export const MEDIA_REFUSED = 'MediaRefused';

/** Inbound media that will never be stored (too large, not what its message says it is): not retried. */
export function mediaRefused(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reason, MEDIA_REFUSED);
}
