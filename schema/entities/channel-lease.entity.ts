import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

/**
 * Which connector process holds a channel's socket (connector/channels/lease.ts): taken by a
 * conditional upsert when free or expired, renewed by its owner's heartbeat.
 */
export const ChannelLease = defineEntity({
  name: 'ChannelLease',
  tableName: 'channel_leases',
  properties: {
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').primary().deleteRule('cascade'),
    ownerId: p.text(),
    expiresAt: p.datetime(),
    heartbeatAt: p.datetime(),
  },
});
export type ChannelLease = InferEntity<typeof ChannelLease>;
