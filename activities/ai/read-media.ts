/**
 * What the AI reads of a burst's media before it answers (issue 10): a voice note's words through
 * the first OPENAI_COMPATIBLE provider's `/audio/transcriptions`, an image described by the
 * providers in failover order (each a vision-capable model, asked through a `describe_image` tool),
 * a document's text extracted with the knowledge base's extractors. Each result is stored on the
 * message (`details.transcript`, `details.description`, `details.documentText`), so the history, the
 * inbox and a retry of the step read it instead of asking again. A failure leaves the message as it
 * was: the reply still goes out, from its caption or summary.
 */
import { buffer } from 'node:stream/consumers';
import { log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Message } from '../../schema/entities/message.entity';
import type { BlobStore } from '../../connector/media/blob-store';
import { detectType } from '../knowledge/extract/detect-type';
import { extract } from '../knowledge/extract/extract';
import { createProvider } from './providers/create-provider';
import { completeWithin } from './failover';
import type { ModelTool, ProviderConfig } from './providers/port';
import { transcribe } from './transcribe';
import { toolArguments } from './reply-output';

/** The image formats both vendors' vision models take, and the largest image they take (Anthropic's 5 MB). */
const VISION_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** A document larger than this is not opened in the reply's path; its caption still reaches the model. */
const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** How much of a document's text the prompt carries (a long contract would crowd out the passages). */
export const DOCUMENT_TEXT_LIMIT = 6_000;
const DESCRIPTION_LIMIT = 1_000;

export const DESCRIBE_TOOL: ModelTool = {
  name: 'describe_image',
  description:
    'Describe the image a customer sent to a business, for the assistant that answers them: what it shows in one to three ' +
    'sentences, and any text visible in it (an order number, a product name, an error message) word for word.',
  schema: { type: 'object', properties: { description: { type: 'string' } }, required: ['description'] },
};

export interface MediaReaders {
  blobs: BlobStore;
  /** The workspace's providers with their keys opened, in failover order. */
  providers: ProviderConfig[];
  timeoutMs: number;
  /** Epoch ms after which no more media is read in this step (it runs under a 30 s local-activity timeout). */
  deadline: number;
}

/** Reads what the burst's media says and stores it on each message (the entities are updated in place). */
export async function readMedia(em: EntityManager, burst: Message[], readers: MediaReaders): Promise<void> {
  for (const message of burst) {
    const blobKey = message.media?.blobKey;
    if (!blobKey || Date.now() >= readers.deadline) continue;
    const read = readerFor(message);
    if (!read) continue;
    try {
      const found = await read(blobKey, message, readers);
      if (!found) continue;
      message.details = { ...(message.details ?? {}), ...found };
      await em.nativeUpdate(Message, { id: message.id, workspaceId: message.workspaceId }, { details: message.details });
    } catch (err) {
      log.warn('media not read; answering from its caption', { messageId: message.id, type: message.type, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

type Reader = (blobKey: string, message: Message, readers: MediaReaders) => Promise<Record<string, string> | null>;

/** The reader a message still needs, or null (not media the AI reads, or read already). */
function readerFor(message: Message): Reader | null {
  const details = message.details ?? {};
  if ((message.type === 'VOICE' || message.type === 'AUDIO') && typeof details.transcript !== 'string') return transcribeAudio;
  if (message.type === 'IMAGE' && typeof details.description !== 'string') return describeImage;
  if (message.type === 'DOCUMENT' && typeof details.documentText !== 'string') return extractDocument;
  return null;
}

const transcribeAudio: Reader = async (blobKey, message, readers) => {
  const transcriber = readers.providers.find((p) => p.kind === 'OPENAI_COMPATIBLE');
  if (!transcriber) return null;
  const transcript = await transcribe(readers.blobs, transcriber, { blobKey, mimeType: message.media?.mimeType, fileName: message.media?.fileName }, timeoutOf(readers));
  return transcript ? { transcript } : null;
};

const describeImage: Reader = async (blobKey, message, readers) => {
  const mimeType = message.media?.mimeType ?? '';
  if (!VISION_TYPES.includes(mimeType)) return null;
  const bytes = await stored(readers.blobs, blobKey, MAX_IMAGE_BYTES);
  if (!bytes) return null;
  const image = { mimeType, base64: bytes.toString('base64') };
  for (const config of readers.providers) {
    if (Date.now() >= readers.deadline) return null;
    const provider = createProvider(config);
    try {
      const answer = await completeWithin(provider, {
        system: 'You describe images for a customer service assistant. Never guess at what is not visible.',
        messages: [{ role: 'user', content: message.text ? `The customer's caption: ${message.text}` : 'The customer sent this image.' }],
        images: [image],
        tool: DESCRIBE_TOOL,
        temperature: 0,
        timeoutMs: timeoutOf(readers),
      });
      const description = descriptionOf(answer.toolInput);
      if (description) return { description: description.slice(0, DESCRIPTION_LIMIT) };
    } catch (err) {
      log.warn('image not described by this provider; trying the next', { provider: provider.label, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return null;
};

const extractDocument: Reader = async (blobKey, _message, readers) => {
  const bytes = await stored(readers.blobs, blobKey, MAX_DOCUMENT_BYTES);
  if (!bytes) return null;
  const type = await detectType(bytes);
  if (!type) return null;
  const text = (await extract(bytes, type)).map((block) => block.text).join('\n').trim();
  return text ? { documentText: text.slice(0, DOCUMENT_TEXT_LIMIT) } : null;
};

/** The blob's bytes, or null when it is gone or larger than `maxBytes`. */
async function stored(blobs: BlobStore, key: string, maxBytes: number): Promise<Buffer | null> {
  const blob = await blobs.get(key);
  if (!blob) return null;
  if (blob.size > maxBytes) {
    blob.body.destroy();
    return null;
  }
  return buffer(blob.body);
}

function timeoutOf(readers: MediaReaders): number {
  return Math.max(1, Math.min(readers.timeoutMs, readers.deadline - Date.now()));
}

/** The tool's `description`, or null. */
function descriptionOf(toolInput: unknown): string | null {
  const description = (toolArguments(toolInput) as { description?: unknown } | null | undefined)?.description;
  return typeof description === 'string' && description.trim() ? description.trim() : null;
}

/** A message's words for the model: its text with what was read of its media. */
export function messageWords(m: Pick<Message, 'text' | 'details'>): string {
  const details = m.details ?? {};
  if (typeof details.transcript === 'string') return `(voice message) ${details.transcript}`;
  if (typeof details.description === 'string') return `${m.text}\n(the image shows: ${details.description})`;
  if (typeof details.documentText === 'string') return `${m.text}\n(the document's text:)\n${details.documentText}`;
  return m.text;
}
