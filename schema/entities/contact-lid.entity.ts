import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Channel } from './channel.entity';

/**
 * A WhatsApp LID (`<lid>@lid`) and the E.164 phone of the same person, as WhatsApp told a channel
 * (connector/channels/baileys/lid-mapping.ts): one person is one contact key, whichever address
 * their message came from.
 */
export const ContactLid = defineEntity({
  name: 'ContactLid',
  tableName: 'contact_lids',
  properties: {
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').primary().deleteRule('cascade'),
    /** The LID's user part (digits before `@lid`). */
    lid: p.text().primary(),
    /** E.164, "+4915112345678". */
    phone: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type ContactLid = InferEntity<typeof ContactLid>;
