/** Named timeouts and retry policies for activities (never scattered literals). */
import { ActivityCancellationType, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';

/**
 * A few Postgres statements, run as local activities: inside the worker's workflow task, with no
 * trip through a task queue, so loading a conversation's rules costs a marker, not a round trip.
 */
export const quickIo: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
};

/**
 * A send over a channel: retried until the channel's connector is back (a day at most), then
 * the message is marked FAILED, or UNCERTAIN when an attempt on a wire that deduplicates nothing
 * was out. A retry never shows a message twice: each message is a state machine on its row
 * (activities/messaging.activities.ts), and a retry calls the channel again only for a row no
 * attempt may have put on the wire, or on a wire that takes a repeat of the key as the same message.
 */
export const channelSend: ActivityOptions = {
  // A send takes well under a second; a connector that died mid-send is retried after this.
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * Downloading an inbound message's media on its channel's connector (activities/media.activities.ts):
 * a large file may take a while; retried for an hour while the channel or the store is away. A file
 * refused for good (too large, not what it says it is) fails without retries.
 */
export const mediaDownload: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * Reading a document and storing its chunks: a 25 MB PDF takes a while, so the activity
 * heartbeats and a dead worker is noticed within the heartbeat timeout, not the deadline. A
 * document that cannot be read fails at once (nonRetryable); an unreachable URL is tried again.
 */
export const documentExtraction: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 4 },
};

/** One batch of chunks through the embedder into the vector index; an embeddings endpoint that is down is retried for a while. */
export const embeddingBatch: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
};

/** Removing vectors from the index (Qdrant may be briefly away): retried for up to a day. */
export const vectorRemoval: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
};

/**
 * The AI route's Postgres reads and writes (retrieve, validate): local activities like quickIo,
 * with room for a retrieval that embeds the question.
 */
export const aiStep: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
};

/**
 * The model call: failover over the providers happens inside (each provider has its own timeout,
 * AI_PROVIDER_TIMEOUT_MS), and a provider's failure is an answer ("unavailable"), not an error.
 * So a retry here only covers the worker dying mid-call; after three the conversation goes to a human.
 */
export const aiModelCall: LocalActivityOptions = {
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
};

/**
 * A flow's webhook node, one attempt: the fetch itself is bounded (FLOW_WEBHOOK_TIMEOUT_MS, a
 * response size cap) inside the activity; the node's own `retries` (default 3) set maximumAttempts,
 * with backoff, and after them the run takes the `error` branch.
 */
export const flowWebhook = (retries: number): ActivityOptions => ({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: retries + 1 },
});

/** A flow run's own Postgres writes (its status, the funnel, labels): local activities like quickIo. */
export const flowIo: LocalActivityOptions = quickIo;

/**
 * One batch of a broadcast's sends on its channel's connector (activities/broadcast-send.activities.ts):
 * about a second of sends, heartbeating after each, so a dead connector is noticed in seconds and a
 * pause or cancel (which cancels the batch) is seen at the next heartbeat. A batch no connector takes
 * within 10 s has the workflow check the channel and schedule it again (or pause or fail the broadcast
 * when the channel stopped); a retry never sends a recipient twice (the message rows' state machine).
 */
export const broadcastBatch: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  scheduleToStartTimeout: '10 seconds',
  heartbeatTimeout: '2 seconds',
  scheduleToCloseTimeout: '1 day',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/** Snapshotting a broadcast's audience: 100k contacts take a while, so it heartbeats per 1,000. */
export const audienceSnapshot: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * A schedule trigger's firing: a start request to each contact of its audience, in pages, the
 * activity heartbeating where it got to, so a retry (a worker gone) goes on from there.
 */
export const scheduledFlowStart: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
};
