import { Context } from '@temporalio/activity';

/** How often a long step tells Temporal it is alive (well inside the presets' heartbeat timeout). */
const HEARTBEAT_MS = 3000;

/** Runs a long step, heartbeating so a dead worker's attempt is retried within the heartbeat timeout. */
export async function heartbeating<T>(step: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => Context.current().heartbeat(), HEARTBEAT_MS);
  try {
    Context.current().heartbeat();
    return await step();
  } finally {
    clearInterval(timer);
  }
}
