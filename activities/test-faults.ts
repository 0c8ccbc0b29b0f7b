/**
 * Fault injection for the crash tests: `PARLEY_TEST_FAULTS` is a comma list of points where the
 * process SIGKILLs itself, so a test can die exactly between two steps. Refused in production.
 * - `kill-after-channel-send:<n>`: right after the channel accepted its n-th send on a channel and
 *   before that send is marked SENT;
 * - `kill-after-command-recorded`: right after the API recorded an agent command and before it
 *   delivered it to the conversation workflow;
 * - `kill-after-chunks-stored`: right after an ingestion stored a document revision's chunks and
 *   before its activity reported back to Temporal.
 */

export interface TestFaults {
  /** Die after this many accepted sends on one channel; null: never. */
  killAfterChannelSend: number | null;
  /** Die between recording an agent command and delivering it. */
  killAfterCommandRecorded: boolean;
  /** Die between storing a document's chunks and reporting the activity done. */
  killAfterChunksStored: boolean;
}

const NO_FAULTS: TestFaults = { killAfterChannelSend: null, killAfterCommandRecorded: false, killAfterChunksStored: false };

const KILL_AFTER_CHANNEL_SEND = /^kill-after-channel-send:([1-9]\d*)$/;
const KILL_AFTER_COMMAND_RECORDED = 'kill-after-command-recorded';
const KILL_AFTER_CHUNKS_STORED = 'kill-after-chunks-stored';

/** Reads PARLEY_TEST_FAULTS; throws (a startup error) for an unknown fault or in production. */
export function parseTestFaults(value: string | undefined, nodeEnv: string | undefined): TestFaults {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) return NO_FAULTS;
  if (nodeEnv === 'production') throw new Error('PARLEY_TEST_FAULTS is for crash tests and is refused with NODE_ENV=production');
  const faults = { ...NO_FAULTS };
  for (const item of items) {
    const send = KILL_AFTER_CHANNEL_SEND.exec(item);
    if (send) faults.killAfterChannelSend = Number(send[1]);
    else if (item === KILL_AFTER_COMMAND_RECORDED) faults.killAfterCommandRecorded = true;
    else if (item === KILL_AFTER_CHUNKS_STORED) faults.killAfterChunksStored = true;
    else throw new Error(`PARLEY_TEST_FAULTS: unknown fault "${item}"; expected kill-after-channel-send:<n>, ${KILL_AFTER_COMMAND_RECORDED} or ${KILL_AFTER_CHUNKS_STORED}`);
  }
  return faults;
}

/** Called between a channel's accepted send and its SENT mark; counts that channel's sends. */
export function afterChannelSendFault(faults: TestFaults): () => void {
  let sends = 0;
  return () => {
    if (faults.killAfterChannelSend !== null && ++sends >= faults.killAfterChannelSend) process.kill(process.pid, 'SIGKILL');
  };
}

/** Called between recording an agent command and delivering it. */
export function afterCommandRecordedFault(faults: TestFaults): void {
  if (faults.killAfterCommandRecorded) process.kill(process.pid, 'SIGKILL');
}

/**
 * PARLEY_TEST_BAILEYS_SOCKET: the module path of a fake WhatsApp Web socket factory
 * (test/support/fake-baileys-socket.ts) the connector loads instead of Baileys. Refused in production.
 */
export function parseTestBaileysSocket(value: string | undefined, nodeEnv: string | undefined): string | null {
  if (!value) return null;
  if (nodeEnv === 'production') throw new Error('PARLEY_TEST_BAILEYS_SOCKET is for tests and is refused with NODE_ENV=production');
  return value;
}

/** Called between storing a document revision's chunks and reporting the activity done. */
export function afterChunksStoredFault(faults: TestFaults): void {
  if (faults.killAfterChunksStored) process.kill(process.pid, 'SIGKILL');
}
