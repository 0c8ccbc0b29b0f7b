import { Readable } from 'node:stream';
import type { ActivityContext } from './context';
import { PermanentChannelError, type ChannelAdapter, type DownloadedMedia } from '../connector/channels/port';
import { BlobTooLargeError, createBlobStore, mediaBlobKey, type BlobStore } from '../connector/media/blob-store';
import { checkMediaContent, SNIFF_BYTES } from '../connector/media/sniff';
import { Message, type StoredMedia } from '../schema/entities/message.entity';
import { publish } from './events';
import { mediaRefused } from './failures';

/** The inbound message whose media to fetch and store. */
export interface DownloadMediaInput {
  workspaceId: string;
  conversationId: string;
  messageId: string;
}

export type MediaActivities = ReturnType<typeof createMediaActivities>;

/**
 * Inbound media over one channel, on its task queue `channel:<channelId>` (next to sendMessages:
 * the process that holds the socket downloads). Idempotent: the blob's key is the message's, and a
 * message whose media is stored (or refused) is not fetched again.
 */
export function createMediaActivities(ctx: ActivityContext, adapter: ChannelAdapter, blobs: BlobStore = createBlobStore(ctx.config.media)) {
  return {
    /**
     * Fetches the message's media from the channel, checks its size (MEDIA_MAX_BYTES) and that its
     * bytes are what the message says (an image is an image), stores it and records its blobKey on
     * the message; the thread hears of it (messageUpdated). A file refused for good is recorded as
     * refused, with why, and fails without retries.
     */
    async downloadMedia(input: DownloadMediaInput): Promise<{ blobKey: string | null }> {
      const em = ctx.orm.em.fork();
      const message = await em.findOne(Message, { id: input.messageId, workspaceId: input.workspaceId });
      const media = message?.media;
      if (!message || !media || media.refused) return { blobKey: null };
      if (media.blobKey) return { blobKey: media.blobKey };

      const refuse = async (reason: string) => {
        await record(message, { ...media, refused: reason });
        return mediaRefused(reason);
      };
      const cannotFetch = async (err: unknown) => (err instanceof PermanentChannelError ? await refuse(`the channel cannot fetch it: ${err.message}`) : err);
      if (!adapter.downloadMedia) throw await refuse('this channel cannot download media');
      const maxBytes = ctx.config.media.maxBytes;
      const tooLarge = `the file is larger than ${maxBytes} bytes (MEDIA_MAX_BYTES)`;
      if ((media.size ?? 0) > maxBytes) throw await refuse(tooLarge);
      const downloaded = await adapter.downloadMedia(media).catch(async (err: unknown) => {
        throw await cannotFetch(err);
      });
      if ((downloaded.size ?? 0) > maxBytes) throw await refuse(tooLarge);
      // The channel may find its file bad only while it streams (a checksum at the end).
      const { head, body } = await peek(downloaded, SNIFF_BYTES).catch(async (err: unknown) => {
        throw await cannotFetch(err);
      });
      const checked = checkMediaContent(message.type, downloaded.mimeType || media.mimeType, head);
      if ('refused' in checked) throw await refuse(checked.refused);

      const blobKey = mediaBlobKey(input.workspaceId, input.messageId);
      let size: number;
      try {
        ({ size } = await blobs.put(blobKey, body, { mimeType: checked.mimeType, maxBytes }));
      } catch (err) {
        if (err instanceof BlobTooLargeError) throw await refuse(tooLarge);
        throw await cannotFetch(err);
      }
      // What fetched it (the channel's locator) is not needed once the bytes are ours.
      const { locator: _locator, ...kept } = media;
      await record(message, { ...kept, blobKey, mimeType: checked.mimeType, size });
      return { blobKey };

      async function record(row: Message, next: StoredMedia): Promise<void> {
        row.media = next;
        await em.flush();
        await publish(em, { type: 'messageUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId: input.messageId });
      }
    },
  };
}

/** The first `bytes` of the body (to tell its type), and the whole body still to stream. */
async function peek(downloaded: DownloadedMedia, bytes: number): Promise<{ head: Buffer; body: Readable }> {
  if (Buffer.isBuffer(downloaded.body)) return { head: downloaded.body.subarray(0, bytes), body: Readable.from([downloaded.body]) };
  const chunks = (downloaded.body as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value);
    first.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(first);
  async function* rest() {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield Buffer.from(next.value);
  }
  return { head: head.subarray(0, bytes), body: Readable.from(rest()) };
}
