import { Migration } from '@mikro-orm/migrations';

/** Counters of the auth rate limits (api/auth/rate-limits.ts), in the shape RateLimiterPostgres uses. */
export class Migration20261202030000_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table rate_limits (
        key varchar(255) primary key,
        points integer not null default 0,
        expire bigint
      );
    `);
  }
}
