/**
 * What every bench does around its measurements: a log line with the seconds since start, the
 * cleanups of what it started (run in reverse, also on Ctrl-C or SIGTERM), the results file written
 * whole (a crash never leaves half a JSON), and a main that exits once its cleanups ran.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './services';

export interface Bench {
  log(line: string): void;
  /** Runs when the bench ends or is interrupted, the last registered first. */
  onCleanup(fn: () => Promise<unknown>): void;
  runCleanups(): Promise<void>;
  /** A signal asked the bench to stop. */
  interrupted(): boolean;
  /** The JSON to `file` by a rename; logs where it went and the bench's total time. */
  writeResults(file: string, json: unknown): void;
  /** Runs main, then the cleanups left; a failure is logged and exits 1. */
  run(main: () => Promise<void>): void;
}

export function bench(name: string): Bench {
  const t0 = Date.now();
  const log = (line: string) => console.log(`[${name} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
  const cleanups: (() => Promise<unknown>)[] = [];
  async function runCleanups(): Promise<void> {
    while (cleanups.length) await cleanups.pop()!().catch((err) => log(`cleanup step failed: ${(err as Error).message}`));
  }
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping everything the bench started`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  return {
    log,
    onCleanup: (fn) => void cleanups.push(fn),
    runCleanups,
    interrupted: () => interrupted,
    writeResults(file, json) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(json, null, 2));
      fs.renameSync(`${file}.tmp`, file);
      log(`results written to ${path.relative(ROOT, file)} (total ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    },
    run(main) {
      main()
        .catch((err) => {
          log(`failed: ${(err as Error).stack ?? err}`);
          process.exitCode = 1;
        })
        .finally(async () => {
          await runCleanups();
          setTimeout(() => process.exit(), 500).unref();
        });
    },
  };
}
