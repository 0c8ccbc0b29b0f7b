import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

/**
 * An inbound WhatsApp Web message from a LID whose phone is not known yet: kept here (sealed,
 * as Baileys gave it) and handed to the ingress when the LID's mapping arrives, so the person
 * never gets a second conversation under the LID.
 */
export const PendingLidMessage = defineEntity({
  name: 'PendingLidMessage',
  tableName: 'pending_lid_messages',
  properties: {
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').primary().deleteRule('cascade'),
    externalId: p.text().primary(),
    lid: p.text(),
    sealed: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'pending_lid_messages_lid', properties: ['channelId', 'lid'] }],
});
export type PendingLidMessage = InferEntity<typeof PendingLidMessage>;
