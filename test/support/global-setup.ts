/**
 * Starts the real Postgres and Temporal dev server the integration suites use, once per run,
 * in .data/test (wiped first). The server's continue-as-new suggestion is lowered so
 * conversations continue-as-new after a few messages in every suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, postgresDataDir, startPostgres, startTemporal, waitFor } from '../../scripts/services';
import { CONTINUE_AS_NEW_EVENTS, TEST_DATA, TEST_PG_PORT, TEST_TEMPORAL_PORT } from './services-env';

export default async function globalSetup(): Promise<void> {
  const pgData = postgresDataDir(path.join(TEST_DATA, 'postgres'));
  for (const pidFile of [path.join(pgData, 'postmaster.pid'), path.join(TEST_DATA, 'temporal.db.pid')]) {
    const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n')[0] : 0);
    if (pid && isAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      // Gone, not just signalled: its files and port are free only then.
      await waitFor(`the last run's pid ${pid} to exit`, 5000, async () => !isAlive(pid));
    }
  }
  fs.rmSync(TEST_DATA, { recursive: true, force: true });
  fs.rmSync(pgData, { recursive: true, force: true });
  fs.mkdirSync(TEST_DATA, { recursive: true });
  const [pg, temporal] = await Promise.all([
    startPostgres({ dataDir: path.join(TEST_DATA, 'postgres'), port: TEST_PG_PORT, database: 'parley_test', durable: false }),
    startTemporal({
      dbFile: path.join(TEST_DATA, 'temporal.db'),
      port: TEST_TEMPORAL_PORT,
      uiPort: 0,
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_EVENTS },
    }),
  ]);
  (globalThis as Record<string, unknown>).__parleyServices = [pg, temporal];
}
