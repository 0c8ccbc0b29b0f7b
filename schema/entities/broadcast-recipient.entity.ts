import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Broadcast } from './broadcast.entity';
import { Contact } from './contact.entity';
import { Message } from './message.entity';

export const BROADCAST_RECIPIENT_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'SKIPPED', 'UNCERTAIN'] as const;
/**
 * PENDING until its send ends; then what its message's send state machine says (SENT, FAILED,
 * UNCERTAIN: it may have reached a wire that deduplicates nothing, never resent blindly), moved on
 * to DELIVERED and READ by the wire's receipts; SKIPPED (opted out, blocked, an invalid number, the
 * broadcast cancelled) with the reason in `error`.
 */
export type BroadcastRecipientStatus = (typeof BROADCAST_RECIPIENT_STATUSES)[number];

/** One contact of a broadcast's audience, snapshotted when it started; its message's key is `broadcast:<broadcastId>:<contactId>`. */
export const BroadcastRecipient = defineEntity({
  name: 'BroadcastRecipient',
  tableName: 'broadcast_recipients',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    broadcastId: p.manyToOne(Broadcast).mapToPk().fieldName('broadcast_id').deleteRule('cascade'),
    contactId: p.manyToOne(Contact).mapToPk().fieldName('contact_id').deleteRule('cascade'),
    status: p.enum(BROADCAST_RECIPIENT_STATUSES).default('PENDING'),
    /** Why it was SKIPPED, FAILED or is UNCERTAIN, in words. */
    error: p.text().nullable(),
    messageId: p.manyToOne(Message).mapToPk().fieldName('message_id').nullable().deleteRule('set null'),
    sentAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'broadcast_recipients_contact', properties: ['broadcastId', 'contactId'] }],
  indexes: [
    // The batch activity's next PENDING rows, and the per-status counts and recipients table.
    { name: 'broadcast_recipients_status', properties: ['broadcastId', 'status', 'id'] },
    // Receipts find a message's recipient (connector/receipts.ts).
    { name: 'broadcast_recipients_message', properties: ['messageId'] },
  ],
});
export type BroadcastRecipient = InferEntity<typeof BroadcastRecipient>;
