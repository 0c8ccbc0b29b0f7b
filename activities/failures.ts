/** Failure types that tell Temporal not to retry. */
import { ApplicationFailure } from '@temporalio/common';

export const PERMANENT_SEND_FAILURE = 'PermanentSendFailure';

export function permanentSendFailure(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(reason, PERMANENT_SEND_FAILURE);
}
