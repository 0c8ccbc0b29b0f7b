import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

/**
 * A signed webhook body the platform could not parse or store (api/routes/whatsapp-webhook.ts):
 * kept byte for byte with the reason, for inspection, instead of being lost; Meta was answered 200.
 */
export const WebhookInbox = defineEntity({
  name: 'WebhookInbox',
  tableName: 'webhook_inbox',
  properties: {
    id: p.uuid().primary(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade').index('webhook_inbox_channel'),
    /** The raw request body as received (its signature checked). */
    rawBody: p.text(),
    error: p.text(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
});
export type WebhookInbox = InferEntity<typeof WebhookInbox>;
