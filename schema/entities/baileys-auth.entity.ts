import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

/**
 * A WhatsApp Web session's auth state (connector/channels/baileys/auth-state.ts): the creds
 * (kind `creds`, keyId '') and every signal key Baileys keeps (kind `pre-key`, `session`, …),
 * each value sealed with schema/crypto.ts under the channel's scope.
 */
export const BaileysAuth = defineEntity({
  name: 'BaileysAuth',
  tableName: 'baileys_auth',
  properties: {
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').primary().deleteRule('cascade'),
    kind: p.text().primary(),
    keyId: p.text().primary(),
    sealed: p.text(),
  },
});
export type BaileysAuth = InferEntity<typeof BaileysAuth>;
