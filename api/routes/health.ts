import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../graphql/context';
import { execute } from '../../schema/orm';

/** GET /health: 200 when Postgres and Temporal both answer, 503 naming the one that does not. */
export async function healthRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/health', async (_request, reply) => {
    const [postgres, temporal] = await Promise.all([
      probe(() => execute(deps.orm, 'select 1')),
      probe(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = postgres.ok && temporal.ok;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', postgres, temporal });
  });
}

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await withTimeout(check(), 2000);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
