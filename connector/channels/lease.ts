/**
 * Which connector process holds a channel's session (table channel_leases): exactly one at a
 * time. A process takes a lease that is free, expired or already its own with one conditional
 * upsert, renews it with every heartbeat, and lets it go when it stops; a process that dies
 * stops renewing, and another takes the channel over once the lease expires.
 */
import { raw } from '@mikro-orm/postgresql';
import type { Orm } from '../../schema/orm';
import { ChannelLease } from '../../schema/entities/channel-lease.entity';

/** Renew every 10 s, expire after 30 s: a dead owner's channels move within 30–40 s. */
export const LEASE_TIMING = { heartbeatMs: 10_000, ttlMs: 30_000 } as const;

/** One process's view of the channel leases. */
export interface Leases {
  /** True when this process holds the channel's lease now (taken or renewed). */
  acquire(channelId: string): Promise<boolean>;
  release(channelId: string): Promise<void>;
}

/** The leases as the process `ownerId` takes, renews and releases them. */
export function createLeases(orm: Orm, ownerId: string, ttlMs: number = LEASE_TIMING.ttlMs): Leases {
  const meta = orm.getMetadata().get(ChannelLease);
  const column = (property: 'ownerId' | 'expiresAt') => `${meta.tableName}.${meta.properties[property].fieldNames[0]}`;
  // Taken when free, expired, or already ours; the database's clock for every process, so hosts with skewed clocks agree on expiry.
  const takeable = `${column('ownerId')} = excluded.${meta.properties.ownerId.fieldNames[0]} or ${column('expiresAt')} < clock_timestamp()`;
  return {
    async acquire(channelId) {
      const rows = await orm.em
        .fork()
        .createQueryBuilder(ChannelLease)
        .insert({ channelId, ownerId, expiresAt: raw('clock_timestamp() + make_interval(secs => ?)', [ttlMs / 1000]), heartbeatAt: raw('clock_timestamp()') })
        .onConflict('channelId')
        .merge(['ownerId', 'expiresAt', 'heartbeatAt'])
        .where(takeable)
        .returning('ownerId')
        .execute('all');
      return rows.length === 1;
    },
    async release(channelId) {
      await orm.em.fork().nativeDelete(ChannelLease, { channelId, ownerId });
    },
  };
}
