/**
 * broadcastWorkflow, id `broadcast:<broadcastId>` (ids.ts): waits for scheduledAt (a durable
 * timer), snapshots the audience into recipient rows, then sends them in batches, one activity per
 * batch on the channel's task queue (activities/broadcast-send.activities.ts), each through the
 * channel's own send path and limiter. Pause and cancel cancel the batch in flight, which stops
 * between two sends at its next heartbeat; the workflow waits for that before it reports PAUSED, so
 * nothing is sent while paused. A channel that stops (logged out, banned) pauses or fails it. Continue-as-new when the history grows (a 100k audience is
 * thousands of batches).
 */
import * as wf from '@temporalio/workflow';
import type { BroadcastActivities } from '../activities/broadcasts.activities';
import type { createBroadcastSendActivities } from '../activities/broadcast-send.activities';
import { audienceSnapshot, broadcastBatch, quickIo } from './presets';
import { channelTaskQueue } from './ids';

type BroadcastSendActivities = ReturnType<typeof createBroadcastSendActivities>;

export interface BroadcastInput {
  workspaceId: string;
  broadcastId: string;
  channelId: string;
  /** ISO time to start at; null or past: at once. */
  scheduledAt: string | null;
  /** The broadcast's own pace; null: as fast as the channel's limiter lets it. */
  ratePerMinute: number | null;
  /** Carried across continue-as-new. */
  carried?: { paused: boolean; processed: number };
}

export interface BroadcastProgress {
  phase: 'SCHEDULED' | 'SNAPSHOT' | 'RUNNING' | 'PAUSED' | 'DONE';
  /** Recipients this workflow ended so far (all runs). */
  processed: number;
}

export const pauseBroadcastSignal = wf.defineSignal('pause');
export const resumeBroadcastSignal = wf.defineSignal('resume');
export const cancelBroadcastSignal = wf.defineSignal('cancel');
export const broadcastProgressQuery = wf.defineQuery<BroadcastProgress>('progress');

const rows = wf.proxyLocalActivities<BroadcastActivities>(quickIo);
const snapshot = wf.proxyActivities<BroadcastActivities>(audienceSnapshot);

/** Recipients per batch with no pace of its own: about a second of sends on the simulator. */
const BATCH_UNPACED = 50;
/** Batches per run before continue-as-new (each is a few events). */
const BATCHES_PER_RUN = 500;

/**
 * Since this patch a failure that ends the workflow ends the broadcast too: FAILED with the error
 * (a channel that refuses every send, an activity out of time), and a cancel from Temporal itself
 * (the Web UI's Cancel) CANCELLED; before it the row stayed RUNNING.
 */
const FINISH_ON_FAILURE = 'broadcast-finish-on-failure';

/**
 * Since this patch a batch nobody picks up (presets.broadcastBatch's schedule-to-start) has the
 * workflow look at the channel: logged out or disconnected pauses the broadcast with the reason
 * (resume once it is connected again), banned or deleted fails it; before it the batch waited in
 * the queue for a day.
 */
const PAUSE_ON_STOPPED_CHANNEL = 'broadcast-pause-on-stopped-channel';

export async function broadcastWorkflow(input: BroadcastInput): Promise<void> {
  const ref = { workspaceId: input.workspaceId, broadcastId: input.broadcastId };
  const sender = wf.proxyActivities<BroadcastSendActivities>({ ...broadcastBatch, taskQueue: channelTaskQueue(input.channelId) });
  let paused = input.carried?.paused ?? false;
  let cancelled = false;
  let batchScope: wf.CancellationScope | null = null;
  const progress: BroadcastProgress = { phase: input.carried ? 'RUNNING' : 'SCHEDULED', processed: input.carried?.processed ?? 0 };

  wf.setHandler(pauseBroadcastSignal, () => {
    paused = true;
    batchScope?.cancel();
  });
  wf.setHandler(resumeBroadcastSignal, () => {
    paused = false;
  });
  wf.setHandler(cancelBroadcastSignal, () => {
    cancelled = true;
    batchScope?.cancel();
  });
  wf.setHandler(broadcastProgressQuery, () => progress);

  try {
    await run();
  } catch (err) {
    // Only a failure that fails the workflow (a bug in this code fails its task instead, retried).
    if (!(err instanceof wf.TemporalFailure) || !wf.patched(FINISH_ON_FAILURE)) throw err;
    await wf.CancellationScope.nonCancellable(() => (wf.isCancellation(err) ? finishCancelled() : finishFailed(innermostMessage(err))));
    // The run ends Failed (or Cancelled) in Temporal too, with its cause, for ops to see.
    throw err;
  }

  async function run(): Promise<void> {
    if (!input.carried) {
      const wait = input.scheduledAt ? new Date(input.scheduledAt).getTime() - Date.now() : 0;
      if (wait > 0) {
        await rows.setBroadcastStatus({ ...ref, status: 'SCHEDULED' });
        await wf.condition(() => cancelled, wait);
      }
      if (cancelled) return finishCancelled();
      progress.phase = 'SNAPSHOT';
      await rows.setBroadcastStatus({ ...ref, status: 'RUNNING' });
      await snapshot.snapshotBroadcastAudience(ref);
    }

    const limit = input.ratePerMinute ? Math.max(1, Math.min(BATCH_UNPACED, Math.ceil(input.ratePerMinute / 60))) : BATCH_UNPACED;
    let reported: 'RUNNING' | 'PAUSED' = paused ? 'PAUSED' : 'RUNNING';
    for (let batches = 0; ; batches++) {
      if (cancelled) return finishCancelled();
      if (paused) {
        progress.phase = 'PAUSED';
        if (reported !== 'PAUSED') await rows.setBroadcastStatus({ ...ref, status: (reported = 'PAUSED') });
        await wf.condition(() => !paused || cancelled);
        continue;
      }
      progress.phase = 'RUNNING';
      if (reported !== 'RUNNING') await rows.setBroadcastStatus({ ...ref, status: (reported = 'RUNNING') });
      if (batches >= BATCHES_PER_RUN || wf.workflowInfo().continueAsNewSuggested) {
        await wf.condition(wf.allHandlersFinished);
        return wf.continueAsNew<typeof broadcastWorkflow>({ ...input, carried: { paused, processed: progress.processed } });
      }
      const started = Date.now();
      let more = true;
      try {
        const result = await (batchScope = new wf.CancellationScope()).run(() =>
          sender.sendBroadcastBatch({ ...ref, channelId: input.channelId, limit }),
        );
        progress.processed += result.processed;
        more = result.more;
      } catch (err) {
        // A pause or cancel cancelled the batch; it stopped between two sends. A cancel of the whole
        // workflow (from Temporal) ends it.
        if (wf.isCancellation(err) && !wf.CancellationScope.current().consideredCancelled) continue;
        if (!unclaimed(err) || !wf.patched(PAUSE_ON_STOPPED_CHANNEL)) throw err;
        // No connector took the batch: nothing was sent. A connector restarting takes the next one.
        const stopped = await rows.broadcastChannelStopped({ workspaceId: input.workspaceId, channelId: input.channelId });
        if (stopped?.final) throw wf.ApplicationFailure.nonRetryable(stopped.reason, 'ChannelStopped');
        if (stopped) {
          paused = true;
          progress.phase = 'PAUSED';
          await rows.setBroadcastStatus({ ...ref, status: (reported = 'PAUSED'), error: stopped.reason });
        }
        continue;
      } finally {
        batchScope = null;
      }
      if (!more) {
        progress.phase = 'DONE';
        await rows.setBroadcastStatus({ ...ref, status: 'COMPLETED' });
        return;
      }
      if (input.ratePerMinute) {
        // `limit` recipients a second at most: the rest of the second, or until a pause or cancel.
        const rest = (limit * 60_000) / input.ratePerMinute - (Date.now() - started);
        if (rest > 0) await wf.condition(() => paused || cancelled, rest);
      }
    }
  }

  async function finishCancelled(): Promise<void> {
    progress.phase = 'DONE';
    await rows.skipPendingRecipients({ ...ref, reason: 'broadcast cancelled' });
    await rows.setBroadcastStatus({ ...ref, status: 'CANCELLED' });
  }

  /** The recipients not sent yet SKIPPED with why, the broadcast FAILED with the error. */
  async function finishFailed(error: string): Promise<void> {
    progress.phase = 'DONE';
    await rows.skipPendingRecipients({ ...ref, reason: `not sent: the broadcast failed (${error})` });
    await rows.setBroadcastStatus({ ...ref, status: 'FAILED', error });
  }
}

/** A batch that waited in its channel's queue past its schedule-to-start: no connector serves the channel. */
function unclaimed(err: unknown): boolean {
  return err instanceof wf.ActivityFailure && err.cause instanceof wf.TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_START';
}

/** What went wrong, in words: an ActivityFailure says "Activity task failed" and carries the activity's error as its cause. */
function innermostMessage(err: Error): string {
  let message = err.message;
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e.message) message = e.message;
  return message;
}
