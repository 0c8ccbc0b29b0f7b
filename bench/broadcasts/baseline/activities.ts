/** The baseline's one activity: a batch of `size` no-op "sends", heartbeating after each, as the broadcast batch does. */
import { Context } from '@temporalio/activity';

export interface BatchBaselineActivities {
  noopBatch(input: { from: number; size: number; total: number }): Promise<{ processed: number; more: boolean }>;
}

export function createBatchBaselineActivities(): BatchBaselineActivities {
  return {
    async noopBatch({ from, size, total }) {
      const processed = Math.max(0, Math.min(size, total - from));
      for (let i = 0; i < processed; i++) Context.current().heartbeat({ processed: i + 1 });
      return { processed, more: from + processed < total };
    },
  };
}
