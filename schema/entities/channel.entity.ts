import { defineEntity, p } from '@mikro-orm/core';

export const CHANNEL_KINDS = ['SIMULATOR', 'BAILEYS', 'CLOUD_API'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const CHANNEL_STATUSES = ['CONNECTED', 'DISCONNECTED', 'PENDING'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/** A WhatsApp number connected to a workspace; credentials are encrypted at rest (schema/crypto.ts). */
export const Channel = defineEntity({
  name: 'Channel',
  tableName: 'channels',
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid(),
    kind: p.text().$type<ChannelKind>(),
    name: p.text(),
    status: p.text().$type<ChannelStatus>(),
    credentialsEncrypted: p.text().nullable().hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
