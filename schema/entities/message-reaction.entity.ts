import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Channel } from './channel.entity';

/**
 * The current reaction of one side of a conversation (the contact, or us) to one message. It is
 * keyed by the reacted-to message's WhatsApp id on its channel, not by the row: a reaction to a
 * message not stored yet (its SENT mark still out, or history not synced) is kept and shows as
 * soon as the message does. A new emoji replaces the old one; a removal deletes the row.
 */
export const MessageReaction = defineEntity({
  name: 'MessageReaction',
  tableName: 'message_reactions',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    /** The WhatsApp id of the message reacted to (messages.external_id on the same channel). */
    targetExternalId: p.text(),
    /** true: the contact reacted; false: we did (on the business's phone, or a sent reaction). */
    fromContact: p.boolean(),
    emoji: p.text(),
    /** The reaction message's own WhatsApp id. */
    externalId: p.text().nullable(),
    at: p.datetime(),
  },
  uniques: [{ name: 'message_reactions_reactor', properties: ['channelId', 'targetExternalId', 'fromContact'] }],
});
export type MessageReaction = InferEntity<typeof MessageReaction>;
