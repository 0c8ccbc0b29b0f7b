/**
 * The bare-Temporal baseline: one workflow per contact; each signal's handler runs one no-op
 * activity. Nothing else: no search attributes, no queue, no persistence.
 */
import * as wf from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export const messageSignal = wf.defineSignal<[string]>('message');

const { noop } = wf.proxyActivities<BaselineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

/** Lives 30 minutes (one timer, started once; the benchmark's servers are gone long before). */
export async function baselineWorkflow(): Promise<void> {
  wf.setHandler(messageSignal, async (key) => {
    await noop(key);
  });
  await wf.sleep('30 minutes');
  await wf.condition(wf.allHandlersFinished);
}
