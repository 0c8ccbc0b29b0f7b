/**
 * What a media file is, by its first bytes (the common signatures WhatsApp media comes in), and
 * whether that fits the message it came with. Pure. The declared mime type is the sender's word;
 * these bytes are what a browser would actually be handed.
 */
import type { MessageType } from '../channels/inbound-message';

/** Bytes a caller reads before deciding: enough for every signature below. */
export const SNIFF_BYTES = 64;

/** The mime type the bytes carry, or null when none of the known signatures matches. */
export function sniffMimeType(head: Buffer): string | null {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(0, 6) === '#!AMR\n') return 'audio/amr';
  if (ascii(0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0)) return 'audio/mpeg';
  if (head[0] === 0xff && (head[1] & 0xf6) === 0xf0) return 'audio/aac';
  if (ascii(4, 8) === 'ftyp') return isoMediaType(ascii(8, 12));
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm';
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'application/zip';
  return null;
}

/** An ISO base media file (MP4, 3GP, M4A) by its major brand. */
function isoMediaType(brand: string): string {
  if (brand.startsWith('M4A') || brand === 'M4B ') return 'audio/mp4';
  if (brand.startsWith('3gp') || brand.startsWith('3g2')) return 'video/3gpp';
  if (brand === 'heic' || brand === 'heix' || brand === 'mif1') return 'image/heic';
  return 'video/mp4';
}

/** What each media type's bytes must be. */
const FAMILIES: Partial<Record<MessageType, string[]>> = {
  IMAGE: ['image/'],
  STICKER: ['image/webp', 'image/png'],
  // A voice note or audio file can come in an MP4 or 3GP container.
  AUDIO: ['audio/', 'video/mp4', 'video/3gpp', 'video/webm'],
  VOICE: ['audio/', 'video/mp4', 'video/3gpp', 'video/webm'],
  VIDEO: ['video/'],
};

/**
 * The mime type to store and serve the file as, or why it is refused. An image, sticker, audio,
 * voice note or video must be what its bytes say (so nothing else is ever served inline under
 * its name); a document is served as a download, under the declared type.
 */
export function checkMediaContent(type: MessageType, declaredMimeType: string | undefined, head: Buffer): { mimeType: string } | { refused: string } {
  const sniffed = sniffMimeType(head);
  const family = FAMILIES[type];
  if (!family) return { mimeType: declaredMimeType || sniffed || 'application/octet-stream' };
  if (!sniffed || !family.some((prefix) => sniffed.startsWith(prefix))) {
    return { refused: `the file is not ${type.toLowerCase()} media (its content is ${sniffed ?? 'of an unknown type'})` };
  }
  // An MP4 container holding a voice note is audio to a browser too.
  return { mimeType: (type === 'AUDIO' || type === 'VOICE') && sniffed.startsWith('video/') ? sniffed.replace('video/', 'audio/') : sniffed };
}
