import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

export const PENDING_RECEIPT_STATUSES = ['DELIVERED', 'READ', 'FAILED'] as const;

/**
 * A delivery receipt that arrived before its message's external id was recorded (the wire can
 * report DELIVERED before the send's SENT mark lands). The SENT mark applies and deletes it in
 * its own statement (activities/messaging.activities.ts); connector/receipts.ts writes it.
 */
export const PendingReceipt = defineEntity({
  name: 'PendingReceipt',
  tableName: 'pending_receipts',
  properties: {
    id: p.uuid().primary(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    externalId: p.text(),
    status: p.enum(PENDING_RECEIPT_STATUSES),
    at: p.datetime(),
    code: p.text().nullable(),
    reason: p.text().nullable(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
  // One of each status per message: a redelivered receipt is stored once.
  uniques: [{ name: 'pending_receipts_key', properties: ['channelId', 'externalId', 'status'] }],
  // Receipts for ids never recorded (a message sent from another device) are dropped after a while.
  indexes: [{ name: 'pending_receipts_received_at', properties: ['receivedAt'] }],
});
export type PendingReceipt = InferEntity<typeof PendingReceipt>;
