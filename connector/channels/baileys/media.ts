import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { downloadContentFromMessage, type MediaType } from '@whiskeysockets/baileys';
import type { InboundMediaRef } from '../inbound-message';
import { PermanentChannelError, type DownloadedMedia } from '../port';

/** An inbound WhatsApp Web media file, fetched and decrypted from what the normalizer kept in its locator. */
export async function downloadBaileysMedia(media: InboundMediaRef): Promise<DownloadedMedia> {
  const locator = media.locator as { mediaType?: MediaType; url?: string | null; directPath?: string | null; mediaKey?: string | null } | undefined;
  if (!locator?.mediaType || !locator.mediaKey || !(locator.url || locator.directPath)) {
    throw new PermanentChannelError(`media ${media.id} has no download reference`);
  }
  const decrypted = await downloadContentFromMessage(
    { mediaKey: Buffer.from(locator.mediaKey, 'base64'), directPath: locator.directPath, url: locator.url },
    locator.mediaType,
  );
  return { body: verified(decrypted, media.sha256), mimeType: media.mimeType ?? 'application/octet-stream', size: media.size };
}

/**
 * The decrypted bytes, failing for good when they are not the file the message announced:
 * Baileys neither checks the file's MAC nor its SHA-256, so a corrupted download would
 * otherwise be stored as if it were the file (or fail as a bare "bad decrypt", retried forever).
 */
function verified(decrypted: Readable, sha256: string | undefined): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = hash.digest('base64');
      done(sha256 && actual !== sha256 ? new PermanentChannelError('the downloaded file is corrupted (its SHA-256 is not the one the message announced)') : null);
    },
  });
  decrypted.once('error', (err: NodeJS.ErrnoException) => {
    const corrupted = err.code?.startsWith('ERR_OSSL') ?? false;
    check.destroy(corrupted ? new PermanentChannelError(`the downloaded file is corrupted (${err.message})`) : err);
  });
  return decrypted.pipe(check);
}
