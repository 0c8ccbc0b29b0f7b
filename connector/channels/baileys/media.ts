import { downloadContentFromMessage, type MediaType } from '@whiskeysockets/baileys';
import type { InboundMediaRef } from '../inbound-message';
import { PermanentChannelError, type DownloadedMedia } from '../port';

/** An inbound WhatsApp Web media file, fetched and decrypted from what the normalizer kept in its locator. */
export async function downloadBaileysMedia(media: InboundMediaRef): Promise<DownloadedMedia> {
  const locator = media.locator as { mediaType?: MediaType; url?: string | null; directPath?: string | null; mediaKey?: string | null } | undefined;
  if (!locator?.mediaType || !locator.mediaKey || !(locator.url || locator.directPath)) {
    throw new PermanentChannelError(`media ${media.id} has no download reference`);
  }
  const body = await downloadContentFromMessage(
    { mediaKey: Buffer.from(locator.mediaKey, 'base64'), directPath: locator.directPath, url: locator.url },
    locator.mediaType,
  );
  return { body, mimeType: media.mimeType ?? 'application/octet-stream', size: media.size };
}
