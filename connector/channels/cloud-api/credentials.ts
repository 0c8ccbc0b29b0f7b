/**
 * A Cloud API channel's secrets, decrypted (schema/crypto.ts) and cached per channel for a short
 * while, so a webhook or a send does not decrypt on every call. Never logged, never returned.
 */
import { z } from 'zod';
import { decryptSecret } from '../../../schema/crypto';
import { Channel } from '../../../schema/entities/channel.entity';
import type { Orm } from '../../../schema/orm';

const secret = z.string().trim().min(1, 'is required').max(1024, 'is longer than 1024 characters');

/** The credentials a CLOUD_API channel takes (createChannel / updateChannelCredentials `credentials`, as JSON). */
export const cloudCredentials = z.strictObject({ phoneNumberId: secret, businessAccountId: secret, accessToken: secret, appSecret: secret, verifyToken: secret });
export type CloudCredentials = z.infer<typeof cloudCredentials>;

/** A channel as the Cloud API code needs it. */
export interface CloudChannel {
  id: string;
  workspaceId: string;
  kind: string;
  /** Null: created without credentials (they come with updateChannelCredentials). */
  credentials: CloudCredentials | null;
  ratePerSecond: number | null;
}

/** How long a decrypted copy is used: a credentials update reaches every process within this. */
export const CREDENTIALS_CACHE_MS = 30_000;

/** The decrypted credentials of channels, by id, briefly cached. */
export interface CloudCredentialStore {
  /** The channel with its secrets, or null when there is no such channel. */
  get(channelId: string): Promise<CloudChannel | null>;
  /** Drops this process's copy (after an update). */
  forget(channelId: string): void;
}

/** The associated data that binds a channel's sealed credentials to its row. */
export const credentialsScope = (channelId: string) => `channel:${channelId}`;

/** Reads and decrypts channels' credentials, caching each for CREDENTIALS_CACHE_MS. */
export function createCloudCredentialStore(orm: Orm, encryptionKey: Buffer, ttlMs = CREDENTIALS_CACHE_MS): CloudCredentialStore {
  const cache = new Map<string, { at: number; channel: Promise<CloudChannel | null> }>();
  return {
    get(channelId) {
      const hit = cache.get(channelId);
      if (hit && Date.now() - hit.at < ttlMs) return hit.channel;
      const channel = load(orm, encryptionKey, channelId);
      cache.set(channelId, { at: Date.now(), channel });
      // Only channels with credentials stay cached: a channel created, or given its credentials, a moment later is seen at once.
      channel.then((c) => !c?.credentials && cache.delete(channelId), () => cache.delete(channelId));
      return channel;
    },
    forget: (channelId) => void cache.delete(channelId),
  };
}

async function load(orm: Orm, encryptionKey: Buffer, channelId: string): Promise<CloudChannel | null> {
  const channel = await orm.em.fork().findOne(Channel, { id: channelId }, { populate: ['credentialsEncrypted'] });
  if (!channel) return null;
  const sealed = channel.credentialsEncrypted;
  const credentials = channel.kind === 'CLOUD_API' && sealed ? cloudCredentials.parse(JSON.parse(decryptSecret(encryptionKey, sealed, credentialsScope(channel.id)))) : null;
  return { id: channel.id, workspaceId: channel.workspaceId, kind: channel.kind, credentials, ratePerSecond: channel.options?.cloudApi?.ratePerSecond ?? null };
}
