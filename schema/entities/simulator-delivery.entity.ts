import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

/** What the simulator channel put "on the wire": one row per idempotency key. */
export const SimulatorDelivery = defineEntity({
  name: 'SimulatorDelivery',
  tableName: 'simulator_deliveries',
  properties: {
    idempotencyKey: p.text().primary(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    toPhone: p.text(),
    text: p.text(),
    deliveredAt: p.datetime().defaultRaw('clock_timestamp()'),
  },
});
export type SimulatorDelivery = InferEntity<typeof SimulatorDelivery>;
