/**
 * Fault injection for the crash tests: `PARLEY_TEST_FAULTS=kill-after-channel-send:<n>` makes
 * the process SIGKILL itself right after the channel accepted its n-th send on a channel and
 * before that send is marked SENT. Refused in production.
 */

export interface TestFaults {
  /** Die after this many accepted sends on one channel; null: never. */
  killAfterChannelSend: number | null;
}

export const NO_FAULTS: TestFaults = { killAfterChannelSend: null };

const KILL_AFTER_CHANNEL_SEND = /^kill-after-channel-send:([1-9]\d*)$/;

/** Reads PARLEY_TEST_FAULTS; throws (a startup error) for an unknown fault or in production. */
export function parseTestFaults(value: string | undefined, nodeEnv: string | undefined): TestFaults {
  if (!value) return NO_FAULTS;
  if (nodeEnv === 'production') throw new Error('PARLEY_TEST_FAULTS is for crash tests and is refused with NODE_ENV=production');
  const match = KILL_AFTER_CHANNEL_SEND.exec(value.trim());
  if (!match) throw new Error(`PARLEY_TEST_FAULTS: unknown fault "${value}"; expected kill-after-channel-send:<n>`);
  return { killAfterChannelSend: Number(match[1]) };
}

/** Called between a channel's accepted send and its SENT mark; counts that channel's sends. */
export function afterChannelSendFault(faults: TestFaults): () => void {
  let sends = 0;
  return () => {
    if (faults.killAfterChannelSend !== null && ++sends >= faults.killAfterChannelSend) process.kill(process.pid, 'SIGKILL');
  };
}
