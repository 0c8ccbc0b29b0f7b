/** Named time budgets of the AI route (never scattered literals). */

/** One provider's answer: past this, the next provider in the failover order is asked. */
export const AI_PROVIDER_TIMEOUT_MS = 20_000;

/** What the model may write: a WhatsApp reply plus the structured fields. */
export const AI_MAX_OUTPUT_TOKENS = 1024;

/** "Test connection" on the settings page: a short answer or a clear error. */
export const AI_TEST_CONNECTION_TIMEOUT_MS = 10_000;
