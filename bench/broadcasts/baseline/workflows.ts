/**
 * The bare-Temporal baseline for a broadcast: one workflow runs one activity per batch of no-op
 * sends until the audience is done. No Postgres, no channel, no status rows: what Temporal alone
 * costs per recipient at the broadcast's batch size.
 */
import * as wf from '@temporalio/workflow';
import type { BatchBaselineActivities } from './activities';

const { noopBatch } = wf.proxyActivities<BatchBaselineActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

export async function batchBaselineWorkflow(input: { total: number; batch: number }): Promise<number> {
  let processed = 0;
  for (let more = true; more; ) {
    const result = await noopBatch({ from: processed, size: input.batch, total: input.total });
    processed += result.processed;
    more = result.more;
  }
  return processed;
}
