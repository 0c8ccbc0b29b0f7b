/**
 * Keeps one child process running: when it dies it is started again after a backoff that grows
 * with each crash in a row (and resets once the child has run for a while), and each crash is
 * logged with its cause: the exit code or signal and the last lines the child wrote to stderr.
 * `npm start` runs the platform's roles under it, so a crash never takes Postgres and Temporal down.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Waits before the 1st, 2nd, … restart in a row; the last one repeats. */
export const RESTART_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** A child that ran this long before it died counts as healthy: the next restart waits the shortest time again. */
export const STABLE_AFTER_MS = 60_000;
/** How long a child may take to stop after SIGTERM before it gets SIGKILL. */
export const STOP_GRACE_MS = 30_000;
const STDERR_TAIL_LINES = 20;

export interface SuperviseOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** What the child is, in log lines ("platform"). */
  name: string;
  log: (line: string) => void;
  backoffMs?: number[];
  stableAfterMs?: number;
  stopGraceMs?: number;
}

export interface Supervisor {
  /** The running child's pid, or null while it waits to be restarted. */
  pid(): number | null;
  /** Stops supervising: SIGTERM to the child, SIGKILL after the grace period; resolves once it is gone. */
  stop(): Promise<void>;
}

/**
 * Starts the child and restarts it whenever it exits. Its stdout is this process's stdout; its
 * stderr is passed through and its tail kept for the crash report. The child gets an IPC channel,
 * which closes when this process dies, so a child never outlives its supervisor.
 */
export function supervise(opts: SuperviseOptions): Supervisor {
  const backoff = opts.backoffMs ?? RESTART_BACKOFF_MS;
  const stableAfterMs = opts.stableAfterMs ?? STABLE_AFTER_MS;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let crashesInARow = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    const tail = stderrTail(STDERR_TAIL_LINES);
    const proc = spawn(opts.command, opts.args, { env: opts.env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    child = proc;
    proc.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail.push(chunk);
    });
    // An 'error' (spawn failed) is followed by 'close', which handles it.
    proc.on('error', (err) => tail.push(Buffer.from(`${err.message}\n`)));
    opts.log(`${opts.name} started (pid ${proc.pid})`);
    exited = new Promise((resolve) => {
      proc.once('close', (code, signal) => {
        child = null;
        resolve();
        if (stopping) return;
        const ranMs = Date.now() - startedAt;
        crashesInARow = ranMs >= stableAfterMs ? 1 : crashesInARow + 1;
        const delay = backoff[Math.min(crashesInARow, backoff.length) - 1];
        const lines = tail.lines();
        opts.log(
          `${opts.name} (pid ${proc.pid}) ${describeExit(code, signal)} after ${formatSeconds(ranMs)}; ` +
            `restarting in ${formatSeconds(delay)} (crash ${crashesInARow} in a row)` +
            (lines.length ? `; last lines of its stderr:\n${lines.map((l) => `    ${l}`).join('\n')}` : '; it wrote nothing to stderr'),
        );
        restartTimer = setTimeout(start, delay);
      });
    });
  };
  start();

  return {
    pid: () => child?.pid ?? null,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const proc = child;
      if (!proc) return;
      proc.kill('SIGTERM');
      const kill = setTimeout(() => proc.kill('SIGKILL'), opts.stopGraceMs ?? STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** "exited with code 1", "was killed by SIGKILL". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}${signal === 'SIGKILL' ? ' (kill -9, or the kernel out of memory)' : ''}`;
  return `exited with code ${code}`;
}

function formatSeconds(ms: number): string {
  return `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}

/** The last `max` complete or partial lines of a stream, without keeping all of it. */
function stderrTail(max: number) {
  let text = '';
  return {
    push(chunk: Buffer) {
      text += chunk.toString('utf8');
      if (text.length > 64 * 1024) text = text.slice(-32 * 1024);
    },
    lines: () => text.split('\n').filter((l) => l.trim()).slice(-max),
  };
}
