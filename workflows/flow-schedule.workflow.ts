import * as wf from '@temporalio/workflow';
import type { FlowActivities } from '../activities/flows/flows.activities';
import { scheduledFlowStart } from './presets';

export interface FlowScheduleInput {
  workspaceId: string;
  flowId: string;
  /** The version that was live when the schedule was written (for the Web UI); the runs start the version live when it fires. */
  version: number;
}

const flows = wf.proxyActivities<FlowActivities>(scheduledFlowStart);

/**
 * One firing of a flow's `schedule` trigger, started by its Temporal Schedule (flowScheduleId):
 * asks each contact of the audience's most recent conversation for a run (startScheduledFlowRuns
 * says who). Its run ids derive from this workflow's id, so a retried batch asks for the same runs.
 */
export async function flowScheduleWorkflow(input: FlowScheduleInput): Promise<{ requested: number }> {
  return flows.startScheduledFlowRuns({ workspaceId: input.workspaceId, flowId: input.flowId, firingId: wf.workflowInfo().workflowId });
}
