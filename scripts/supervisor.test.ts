/** The supervisor against real child processes: crash causes in the log, backoff, reset, stop. */
import { supervise, type Supervisor } from './supervisor';

/** Waiters woken by each line the supervisor logs: the log is the barrier, never a timer. */
const logged = new Set<() => void>();

function run(script: string, opts: { backoffMs: number[]; stableAfterMs: number }) {
  const lines: string[] = [];
  const supervisor = supervise({
    name: 'child',
    command: process.execPath,
    args: ['-e', script],
    env: process.env,
    log: (line) => {
      lines.push(line);
      logged.forEach((wake) => wake());
    },
    ...opts,
  });
  return { lines, supervisor };
}

/** Resolves once `check` holds: now, or after a line the supervisor logs. */
function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const wake = () => {
      if (!check()) return;
      clearTimeout(timer);
      logged.delete(wake);
      resolve();
    };
    const timer = setTimeout(() => (logged.delete(wake), reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
    logged.add(wake);
    wake();
  });
}

let current: Supervisor | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

test('restarts a crashing child with a growing backoff and logs its exit code and last stderr lines', async () => {
  const { lines, supervisor } = run(`console.error('connecting to the database'); console.error('Error: the database is unreachable'); process.exit(3)`, {
    backoffMs: [50, 100, 200],
    stableAfterMs: 60_000,
  });
  current = supervisor;
  const crashes = () => lines.filter((l) => l.includes('exited with code 3'));
  await until('four crashes', () => crashes().length >= 4);
  expect(crashes()[0]).toMatch(/restarting in 0\.1 s \(crash 1 in a row\)/);
  expect(crashes()[1]).toMatch(/restarting in 0\.1 s \(crash 2 in a row\)/);
  expect(crashes()[2]).toMatch(/restarting in 0\.2 s \(crash 3 in a row\)/);
  // The last step repeats.
  expect(crashes()[3]).toMatch(/restarting in 0\.2 s \(crash 4 in a row\)/);
  expect(crashes()[0]).toContain('    connecting to the database\n    Error: the database is unreachable');
  expect(lines.filter((l) => /^child started \(pid \d+\)$/.test(l)).length).toBeGreaterThanOrEqual(4);
});

test('names the signal that killed the child', async () => {
  const { lines, supervisor } = run(`setInterval(() => {}, 1000)`, { backoffMs: [50], stableAfterMs: 60_000 });
  current = supervisor;
  await until('the child to start', () => supervisor.pid() !== null);
  const first = supervisor.pid()!;
  process.kill(first, 'SIGKILL');
  await until('a new child', () => supervisor.pid() !== null && supervisor.pid() !== first);
  expect(lines.find((l) => l.includes(`(pid ${first})`) && !l.includes('started'))).toMatch(/was killed by SIGKILL .*it wrote nothing to stderr/);
});

test('a child that ran for a while counts as healthy: its restart waits the shortest time again', async () => {
  const { lines, supervisor } = run(`setTimeout(() => process.exit(1), 250)`, { backoffMs: [50, 5_000], stableAfterMs: 200 });
  current = supervisor;
  const crashes = () => lines.filter((l) => l.includes('exited with code 1'));
  await until('three crashes', () => crashes().length >= 3, 20_000);
  for (const crash of crashes()) expect(crash).toMatch(/restarting in 0\.1 s \(crash 1 in a row\)/);
});

test('stop() ends the child with SIGTERM and does not restart it', async () => {
  const { lines, supervisor } = run(`process.on('SIGTERM', () => { console.error('got SIGTERM'); process.exit(0); }); setInterval(() => {}, 1000)`, {
    backoffMs: [50],
    stableAfterMs: 60_000,
  });
  await until('the child to start', () => supervisor.pid() !== null);
  const pid = supervisor.pid()!;
  await supervisor.stop();
  expect(supervisor.pid()).toBeNull();
  expect(() => process.kill(pid, 0)).toThrow();
  expect(lines.filter((l) => l.includes('restarting'))).toEqual([]);
});
