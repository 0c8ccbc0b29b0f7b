/** The store rate-limiter-flexible's RateLimiterPostgres counts in: the committed `rate_limits` table, over the platform's pool. */
import type { Orm } from './orm';

/** The table (schema/entities/rate-limit.entity.ts) every limit shares, keyed by prefix. */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * The `pg`-pool-shaped client RateLimiterPostgres expects, over MikroORM's connection: its
 * `$n` placeholders become MikroORM's `?` (a placeholder may repeat, so values are re-listed).
 */
export function rateLimitStore(orm: Orm) {
  return {
    async query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }> {
      const values: unknown[] = [];
      const sql = q.text.replace(/\$(\d+)/g, (_, n: string) => {
        values.push(q.values![Number(n) - 1]);
        return '?';
      });
      const result = await orm.em.getConnection().execute(sql, values);
      const rows = Array.isArray(result) ? result : [];
      return { rows, rowCount: Array.isArray(result) ? result.length : ((result as { affectedRows?: number }).affectedRows ?? 0) };
    },
  };
}
