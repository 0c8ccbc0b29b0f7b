/**
 * The one place a conversation's timers are decided: the loop waits for its next event or the
 * nearest of these deadlines, whichever comes first. Pure. A new kind (the debounce window, a
 * flow's timer) is added here and fails to compile in the loop until it is handled.
 */

/** A moment the conversation must act at, even when no message comes (epoch ms). */
export type Deadline =
  /** Human mode: no agent answered in time; remind them (and maybe tell the customer). */
  | { kind: 'sla'; at: number }
  /** Quiet this long: the run ends; the next message starts it again from Postgres. */
  | { kind: 'idle'; at: number };

/** The deadlines a conversation has now. */
export interface DeadlineInput {
  sla: { deadline: number } | null;
  idleAt: number;
}

/** The earliest deadline (idle always exists, so there always is one). */
export function nextDeadline(input: DeadlineInput): Deadline {
  const candidates: Deadline[] = [{ kind: 'idle', at: input.idleAt }];
  if (input.sla) candidates.push({ kind: 'sla', at: input.sla.deadline });
  return candidates.reduce((earliest, d) => (d.at < earliest.at ? d : earliest));
}
