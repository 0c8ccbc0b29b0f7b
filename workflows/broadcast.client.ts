/** Starting and steering broadcastWorkflow from the API (outside the sandbox; never bundled). */
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { broadcastWorkflowId } from './ids';
import { broadcastWorkflow, cancelBroadcastSignal, pauseBroadcastSignal, resumeBroadcastSignal, type BroadcastInput } from './broadcast.workflow';

/** Starts a broadcast's workflow; a second start is a no-op (its id is taken). */
export async function startBroadcastWorkflow(temporal: Client, taskQueue: string, input: BroadcastInput): Promise<void> {
  await temporal.workflow
    .start(broadcastWorkflow, {
      workflowId: broadcastWorkflowId(input.broadcastId),
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    })
    .catch((err: Error) => {
      if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
}

const SIGNALS = { pause: pauseBroadcastSignal, resume: resumeBroadcastSignal, cancel: cancelBroadcastSignal } as const;

/** Pause, resume or cancel: a signal, applied by the workflow within a batch's heartbeat. */
export async function signalBroadcast(temporal: Client, broadcastId: string, what: keyof typeof SIGNALS): Promise<void> {
  await temporal.workflow.getHandle(broadcastWorkflowId(broadcastId)).signal(SIGNALS[what]);
}
