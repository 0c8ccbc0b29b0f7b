import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';
import type { OutboundContent } from '../../connector/channels/port';

/**
 * What an attempt did on the simulator's wire: DELIVERED (the phone shows it), DUPLICATE (its
 * wire id was delivered before, so the phone shows it once), REFUSED (nothing shown).
 */
export const SIMULATOR_DELIVERY_OUTCOMES = ['DELIVERED', 'DUPLICATE', 'REFUSED'] as const;
export type SimulatorDeliveryOutcome = (typeof SIMULATOR_DELIVERY_OUTCOMES)[number];

/**
 * Every send attempt the simulator channel's wire received, duplicates included: nothing here
 * is unique but the row, so a message sent twice is two rows (tests count them).
 */
export const SimulatorDelivery = defineEntity({
  name: 'SimulatorDelivery',
  tableName: 'simulator_deliveries',
  properties: {
    id: p.uuid().primary(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    /** The message id the attempt carried on the wire (WhatsApp's `id`). */
    wireId: p.text(),
    idempotencyKey: p.text(),
    toPhone: p.text(),
    text: p.text(),
    /** What the message carried besides its text (media, buttons, list, template, reaction): OutboundContent. */
    content: p.json<OutboundContent>().nullable(),
    outcome: p.enum(SIMULATOR_DELIVERY_OUTCOMES),
    deliveredAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
  // "Has the wire carried this id before?" is asked on every attempt.
  indexes: [{ name: 'simulator_deliveries_wire_id', properties: ['channelId', 'wireId'] }],
});
export type SimulatorDelivery = InferEntity<typeof SimulatorDelivery>;
