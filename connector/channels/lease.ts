/**
 * Which connector process holds a channel's session (table channel_leases): exactly one at a
 * time. A process takes a lease that is free, expired or already its own with one conditional
 * upsert, renews it with every heartbeat, and lets it go when it stops; a process that dies
 * stops renewing, and another takes the channel over once the lease expires.
 */
import type { Orm } from '../../schema/orm';
import { ChannelLease } from '../../schema/entities/channel-lease.entity';

/** Renew every 10 s, expire after 30 s: a dead owner's channels move within 30–40 s. */
export const LEASE_TIMING = { heartbeatMs: 10_000, ttlMs: 30_000 } as const;

export interface Leases {
  /** True when this process holds the channel's lease now (taken or renewed). */
  acquire(channelId: string): Promise<boolean>;
  release(channelId: string): Promise<void>;
}

export function createLeases(orm: Orm, ownerId: string, ttlMs: number = LEASE_TIMING.ttlMs): Leases {
  const meta = orm.getMetadata().get(ChannelLease);
  const column = (property: 'channelId' | 'ownerId' | 'expiresAt' | 'heartbeatAt') => meta.properties[property].fieldNames[0];
  const [channel, owner, expires, heartbeat] = (['channelId', 'ownerId', 'expiresAt', 'heartbeatAt'] as const).map(column);
  return {
    async acquire(channelId) {
      // The database's clock for every process, so hosts with skewed clocks still agree on expiry.
      const rows = await orm.em.fork().execute<{ owner: string }[]>(
        `insert into ${meta.tableName} (${channel}, ${owner}, ${expires}, ${heartbeat})
         values (?, ?, clock_timestamp() + make_interval(secs => ?), clock_timestamp())
         on conflict (${channel}) do update set ${owner} = excluded.${owner}, ${expires} = excluded.${expires}, ${heartbeat} = excluded.${heartbeat}
         where ${meta.tableName}.${owner} = excluded.${owner} or ${meta.tableName}.${expires} < clock_timestamp()
         returning ${owner} as owner`,
        [channelId, ownerId, ttlMs / 1000],
      );
      return rows.length === 1;
    },
    async release(channelId) {
      await orm.em.fork().nativeDelete(ChannelLease, { channelId, ownerId });
    },
  };
}
