/**
 * The failure converter of every client, worker and the workflow bundle (its path is the data
 * converter's failureConverterPath, activities/payload-codec.ts): a failure's message and stack
 * trace go into an encoded payload, which the payload codec seals, so a send's refusal reason (it
 * names the number) or an activity error quoting message text never reaches Temporal in plain
 * form. Failures recorded before it (plain message and stack) still convert as they are.
 */
import { DefaultFailureConverter } from '@temporalio/common';

/** Loaded by name: the SDK requires a `failureConverter` export from the module at failureConverterPath. */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
