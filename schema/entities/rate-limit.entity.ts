import { defineEntity, p } from '@mikro-orm/core';

/**
 * One counter of the auth rate limits (rate-limiter-flexible's RateLimiterPostgres table shape):
 * `key` names the limit and who it counts (`signin-fail:<email>`, `auth-ip:<ip>` …), `expire` is
 * epoch milliseconds. Shared by every api replica.
 */
export const RateLimit = defineEntity({
  name: 'RateLimit',
  tableName: 'rate_limits',
  properties: {
    key: p.string().length(255).primary(),
    points: p.integer().default(0),
    expire: p.bigint('number').nullable(),
  },
});
