/**
 * The blob store port: where inbound media's bytes live, by key (`<workspaceId>/<messageId>`),
 * behind one interface so a deployment can swap the local disk (local-disk.store.ts, the default)
 * for an S3-compatible service (s3.store.ts, MEDIA_STORE=s3).
 */
import type { Readable } from 'node:stream';
import type { MediaConfig } from '../../activities/config';
import { createLocalDiskStore } from './local-disk.store';
import { lazily } from '../../activities/lazy';

export interface BlobStore {
  /** Stores the stream under `key` (replacing what was there); refuses more than `maxBytes` with BlobTooLargeError, storing nothing. */
  put(key: string, body: Readable | Buffer, options: { mimeType: string; maxBytes: number }): Promise<{ size: number }>;
  /** The stored bytes, or null when there are none under `key`. */
  get(key: string): Promise<{ body: Readable; size: number } | null>;
  /** Removes the blob; a key with none is not an error. */
  delete(key: string): Promise<void>;
}

/** The file is larger than the store takes. */
export class BlobTooLargeError extends Error {}

/** The blob store the configuration chooses. */
export function createBlobStore(config: MediaConfig): BlobStore {
  switch (config.store) {
    case 'local':
      return createLocalDiskStore(config.dir);
    case 's3':
      // The AWS SDK loads with the first blob, not with every process.
      return lazily<BlobStore>(async () => (await import('./s3.store')).createS3Store(config.s3!), ['put', 'get', 'delete']);
  }
}

/** A message's blob key: one per message, so a retried download writes the same blob. */
export function mediaBlobKey(workspaceId: string, messageId: string): string {
  return `${workspaceId}/${messageId}`;
}
