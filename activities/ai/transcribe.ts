import type { BlobStore } from '../../connector/media/blob-store';
import type { ProviderConfig } from './providers/port';
import { openAiClient } from './providers/openai-compatible';

/** The transcription model asked for (OpenAI's name; compatible servers such as LocalAI and vLLM map it to theirs). */
export const TRANSCRIPTION_MODEL = 'whisper-1';

/** A stored audio message to transcribe. */
export interface StoredAudio {
  blobKey: string;
  mimeType?: string;
  fileName?: string;
}

/**
 * A voice note's or audio message's words, through an OpenAI-compatible `/audio/transcriptions`
 * endpoint (the first OPENAI_COMPATIBLE provider); null when the blob is gone.
 */
export async function transcribe(blobs: BlobStore, provider: ProviderConfig, audio: StoredAudio, timeoutMs: number): Promise<string | null> {
  const blob = await blobs.get(audio.blobKey);
  if (!blob) return null;
  const { toFile } = await import('openai');
  const file = await toFile(blob.body, audio.fileName ?? 'voice.ogg', { type: audio.mimeType ?? 'audio/ogg' });
  const result = await (await openAiClient(provider)).audio.transcriptions.create({ file, model: TRANSCRIPTION_MODEL }, { timeout: timeoutMs });
  return result.text.trim() || null;
}
