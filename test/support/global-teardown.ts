import type { RunningService } from '../../scripts/services';

/** PARLEY_KEEP_SERVICES=1 leaves Postgres and Temporal running after the run, to look around. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.PARLEY_KEEP_SERVICES === '1') return;
  const services = ((globalThis as Record<string, unknown>).__parleyServices ?? []) as RunningService[];
  for (const service of services.reverse()) await service.stop();
}
