/**
 * The Cloud API channel: sends over Meta's Graph API with the channel's access token. The wire
 * deduplicates nothing (retrySafe false): an ambiguous failure leaves the message UNCERTAIN.
 * Stateless HTTP, so any connector may serve its task queue; no lease.
 */
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Orm } from '../../../schema/orm';
import { RATE_LIMIT_TABLE, rateLimitStore } from '../../../schema/rate-limit-store';
import type { ChannelAdapter, OutboundMessage, SendPriority } from '../port';
import { NotAcceptedError, PermanentChannelError } from '../port';
import type { CloudChannel, CloudCredentials, CloudCredentialStore } from './credentials';
import { callGraph, fetchGraphBytes, uploadGraphMedia, type GraphApi } from './graph-api';
import type { BlobStore } from '../../media/blob-store';
import { graphMessageBody } from './outbound';
import { lastInboundAt, OUTSIDE_WINDOW_REASON, windowAllows } from './service-window';

/** Meta's standard throughput per business number. */
export const DEFAULT_RATE_PER_SECOND = 80;

/**
 * The share of each second's budget broadcasts leave to conversations. This limiter refuses
 * rather than queues (the activity's retry waits), so the inbox goes first by broadcasts stopping
 * short of the limit: a reply finds room in a second a broadcast is sending at full speed.
 */
export const INBOX_RESERVE_SHARE = 0.1;

/** Sends a second broadcasts may use of `ratePerSecond`; at 1/s the only send is for everyone. */
export function broadcastSendsPerSecond(ratePerSecond: number): number {
  return ratePerSecond > 1 ? ratePerSecond - Math.max(1, Math.floor(ratePerSecond * INBOX_RESERVE_SHARE)) : ratePerSecond;
}

/** What the adapter is built over: the ORM (window, rate limit), where the Graph API is, the channel's secrets. */
export interface CloudApiChannelDeps {
  orm: Orm;
  graph: GraphApi;
  credentials: CloudCredentialStore;
  /** Where stored files (content.blobKey) are read from, to upload them before the send. */
  blobs: BlobStore;
}

/** The Cloud API adapter for one channel. */
export function createCloudApiChannel(deps: CloudApiChannelDeps, channelId: string, ratePerSecond = DEFAULT_RATE_PER_SECOND): ChannelAdapter {
  // Counted in Postgres, so every connector serving this channel's queue shares the one budget.
  const limiter = new RateLimiterPostgres({
    storeClient: rateLimitStore(deps.orm),
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: 'cloud-send',
    points: ratePerSecond,
    duration: 1,
  });
  const channel = () => connected(deps.credentials, channelId);

  return {
    retrySafe: false,
    async send(message: OutboundMessage) {
      const { credentials } = await channel();
      // Checked before the call: Graph would refuse it with 131047, after a round trip.
      if (message.conversationId && !windowAllows(message.content, await lastInboundAt(deps.orm, message.conversationId), new Date())) {
        throw new PermanentChannelError(OUTSIDE_WINDOW_REASON);
      }
      await take(limiter, channelId, ratePerSecond, message.priority ?? 'inbox');
      const body = graphMessageBody(message, await uploadedMedia(deps, credentials, message));
      const answer = await callGraph<{ messages?: { id: string }[] }>(deps.graph, credentials.accessToken, 'POST', `${credentials.phoneNumberId}/messages`, body);
      const externalId = answer.messages?.[0]?.id;
      // It was taken (HTTP 2xx) but we cannot tell which message it is: ambiguous, never resent.
      if (!externalId) throw new Error('the Graph API took the message but returned no message id');
      return { externalId };
    },
    async markRead({ externalId }) {
      const { credentials } = await channel();
      await callGraph(deps.graph, credentials.accessToken, 'POST', `${credentials.phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: externalId });
    },
    async downloadMedia(media) {
      const { credentials } = await channel();
      const info = await callGraph<{ url?: string; mime_type?: string; file_size?: number }>(deps.graph, credentials.accessToken, 'GET', encodeURIComponent(media.id));
      if (!info.url) throw new PermanentChannelError(`the Graph API has no URL for media ${media.id}`);
      const file = await fetchGraphBytes(deps.graph, credentials.accessToken, info.url);
      return { body: file.body, mimeType: info.mime_type ?? media.mimeType ?? file.mimeType, size: info.file_size ?? file.body.length };
    },
  };
}

/** A stored file's Graph media id, uploaded now; undefined when the message carries no stored file (or has a link). */
async function uploadedMedia(deps: CloudApiChannelDeps, credentials: CloudCredentials, message: OutboundMessage): Promise<string | undefined> {
  const content = message.content;
  if (content?.kind !== 'media' || content.url || !content.blobKey) return undefined;
  const blob = await deps.blobs.get(content.blobKey);
  if (!blob) throw new PermanentChannelError(`the stored file ${content.blobKey} is gone`);
  const chunks: Buffer[] = [];
  for await (const chunk of blob.body) chunks.push(chunk as Buffer);
  return uploadGraphMedia(deps.graph, credentials.accessToken, credentials.phoneNumberId, {
    bytes: Buffer.concat(chunks),
    mimeType: content.mimeType ?? 'application/octet-stream',
    fileName: content.fileName,
  });
}

/** The channel with its credentials, or a permanent failure saying what is missing. */
async function connected(store: CloudCredentialStore, channelId: string): Promise<CloudChannel & { credentials: NonNullable<CloudChannel['credentials']> }> {
  const channel = await store.get(channelId);
  if (!channel) throw new PermanentChannelError(`channel ${channelId} does not exist`, true);
  if (!channel.credentials) throw new PermanentChannelError('the Cloud API channel has no credentials yet: add them on the Channels page', true);
  return channel as CloudChannel & { credentials: NonNullable<CloudChannel['credentials']> };
}

/**
 * One message of the channel's per-second budget; over it, nothing was sent and the activity
 * retries. A broadcast send over its share gives its point back, so the reserve stays the inbox's.
 */
async function take(limiter: RateLimiterPostgres, channelId: string, ratePerSecond: number, priority: SendPriority): Promise<void> {
  let consumed: RateLimiterRes;
  try {
    consumed = await limiter.consume(channelId);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new NotAcceptedError(`the channel's rate limit of ${ratePerSecond} messages/s is reached; nothing was sent`);
    throw err;
  }
  const share = broadcastSendsPerSecond(ratePerSecond);
  if (priority === 'broadcast' && consumed.consumedPoints > share) {
    await limiter.reward(channelId, 1);
    throw new NotAcceptedError(`broadcasts may send ${share} of the channel's ${ratePerSecond} messages/s (the rest is kept for conversations); nothing was sent`);
  }
}
