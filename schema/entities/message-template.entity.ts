import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Channel } from './channel.entity';

/**
 * A WhatsApp message template of a Cloud API channel's business account, as the last
 * syncTemplates read it from the Graph API: one row per name and language.
 */
export const MessageTemplate = defineEntity({
  name: 'MessageTemplate',
  tableName: 'message_templates',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    /** Meta's id of the template. */
    externalId: p.text().nullable(),
    name: p.text(),
    language: p.text(),
    /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED… as Meta says; only APPROVED ones can be sent. */
    status: p.text(),
    category: p.text().nullable(),
    /** The BODY component's text, with its {{1}}… placeholders. */
    body: p.text().nullable(),
    variableCount: p.integer().default(0),
    components: p.json<unknown[]>(),
    syncedAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'message_templates_name_language', properties: ['channelId', 'name', 'language'] }],
});
export type MessageTemplate = InferEntity<typeof MessageTemplate>;
