import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';

export const CHANNEL_KINDS = ['SIMULATOR', 'BAILEYS', 'CLOUD_API'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const CHANNEL_STATUSES = ['CONNECTED', 'DISCONNECTED', 'PENDING'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
/** A channel's non-secret settings. */
export interface ChannelOptions {
  /** SIMULATOR only: false makes its wire deduplicate nothing, as the Cloud API's does. */
  simulator?: { idempotentWire?: boolean };
  /** A message typed on the business's own phone (WhatsApp Web) takes the conversation over from the bot; default true. */
  takeOverOnPhoneReply?: boolean;
}

/** A WhatsApp number connected to a workspace; credentials are encrypted at rest (schema/crypto.ts). */
export const Channel = defineEntity({
  name: 'Channel',
  tableName: 'channels',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey().index('channels_workspace'),
    kind: p.enum(CHANNEL_KINDS),
    name: p.text(),
    status: p.enum(CHANNEL_STATUSES).default('CONNECTED'),
    // Lazy: lists and joins never load the sealed secrets; a channel adapter asks for them (populate).
    credentialsEncrypted: p.text().nullable().hidden().lazy(),
    options: p.json<ChannelOptions>().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type Channel = InferEntity<typeof Channel>;
