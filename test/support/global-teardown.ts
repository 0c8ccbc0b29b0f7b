import type { RunningService } from '../../scripts/services';

export default async function globalTeardown(): Promise<void> {
  const services = ((globalThis as Record<string, unknown>).__parleyServices ?? []) as RunningService[];
  for (const service of services.reverse()) await service.stop();
}
