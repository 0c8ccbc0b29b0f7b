/** The Temporal Schedules of flows with a `schedule` trigger, written by the API (outside the sandbox; never bundled). */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import { flowScheduleId } from './ids';
import { flowScheduleWorkflow, type FlowScheduleInput } from './flow-schedule.workflow';
import type { TriggerData } from './flows/definition';

export interface FlowScheduleDeps {
  temporal: Client;
  taskQueue: string;
}

/**
 * After a publish: the flow's schedule fires on the live version's cron, in the workspace's time
 * zone (created, or updated in place); a live version with another trigger has none (deleted).
 * Firings that overlap a firing still asking are skipped, and a firing missed while Temporal was
 * down is made up only within a minute (a late "good morning" is worse than none).
 */
export async function syncFlowSchedule(deps: FlowScheduleDeps, flow: FlowScheduleInput & { trigger: TriggerData; timeZone: string }): Promise<void> {
  if (flow.trigger.on !== 'schedule' || !flow.trigger.cron) return deleteFlowSchedule(deps.temporal, flow.flowId);
  const spec: ScheduleSpec = { cronExpressions: [flow.trigger.cron.trim()], timezone: flow.timeZone };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: flowScheduleWorkflow,
    workflowId: flowScheduleId(flow.flowId),
    taskQueue: deps.taskQueue,
    args: [{ workspaceId: flow.workspaceId, flowId: flow.flowId, version: flow.version }],
  };
  try {
    await deps.temporal.schedule.getHandle(flowScheduleId(flow.flowId)).update((previous) => ({ ...previous, spec, action }));
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await deps.temporal.schedule.create({
      scheduleId: flowScheduleId(flow.flowId),
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  }
}

/** The flow's schedule, if it has one, is gone (deleteFlow, a republish with another trigger). */
export async function deleteFlowSchedule(temporal: Client, flowId: string): Promise<void> {
  try {
    await temporal.schedule.getHandle(flowScheduleId(flowId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}
