import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';

export const CHANNEL_KINDS = ['SIMULATOR', 'BAILEYS', 'CLOUD_API'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
/**
 * Where a channel's connection stands. WhatsApp Web (BAILEYS) moves through CONNECTING,
 * QR_REQUIRED, CONNECTED, RECONNECTING and ends in LOGGED_OUT, BANNED or DISCONNECTED (stopped
 * until connectChannel); PENDING is a Cloud API number still waiting for its credentials.
 */
export const CHANNEL_STATUSES = ['CONNECTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING', 'LOGGED_OUT', 'BANNED', 'DISCONNECTED', 'PENDING'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
/** Statuses in which no connector opens the channel's session until someone asks (connectChannel). */
export const STOPPED_CHANNEL_STATUSES: readonly ChannelStatus[] = ['LOGGED_OUT', 'BANNED', 'DISCONNECTED'];
/** A channel's non-secret settings. */
export interface ChannelOptions {
  /** SIMULATOR only: false makes its wire deduplicate nothing, as the Cloud API's does. */
  simulator?: { idempotentWire?: boolean };
  /** WhatsApp Web: drop group messages (…@g.us). Default true. */
  ignoreGroups?: boolean;
  /** WhatsApp Web: drop broadcast-list messages (…@broadcast). Default true. */
  ignoreBroadcasts?: boolean;
  /** WhatsApp Web: drop status updates (status@broadcast). Default true. */
  ignoreStatus?: boolean;
  /** A message typed on the business's own phone (WhatsApp Web) takes the conversation over from the bot; default true. */
  takeOverOnPhoneReply?: boolean;
  /** Sends per minute at most (connector/channels/send-rate.ts has the defaults and the warm-up ramp). */
  ratePerMinute?: number;
  /** CLOUD_API only: the send rate limit (Meta's standard throughput is 80 messages/s). */
  cloudApi?: { ratePerSecond?: number };
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
    /** Why the channel last failed or stopped, in words ("QR not scanned", "logged out from the phone"). */
    lastError: p.text().nullable(),
    /** While QR_REQUIRED: the QR payload to scan, refreshed as WhatsApp rotates it. */
    qrCode: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type Channel = InferEntity<typeof Channel>;
