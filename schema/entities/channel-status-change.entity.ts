import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Channel, CHANNEL_STATUSES } from './channel.entity';

/** One step of a channel's status history (Channel.statusHistory), written with the status itself. */
export const ChannelStatusChange = defineEntity({
  name: 'ChannelStatusChange',
  tableName: 'channel_status_changes',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    status: p.enum(CHANNEL_STATUSES),
    error: p.text().nullable(),
    at: p.datetime().defaultRaw('clock_timestamp()'),
  },
  indexes: [{ name: 'channel_status_changes_channel', properties: ['channelId', 'at'] }],
});
export type ChannelStatusChange = InferEntity<typeof ChannelStatusChange>;
