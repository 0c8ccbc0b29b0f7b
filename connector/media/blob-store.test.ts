import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobTooLargeError, createBlobStore, mediaBlobKey, type BlobStore } from './blob-store';
import { startFakeS3, type FakeS3 } from '../../test/support/fake-s3';

const MB = 1024 * 1024;
let s3: FakeS3;
let dir: string;

beforeAll(async () => {
  s3 = await startFakeS3();
  dir = mkdtempSync(path.join(os.tmpdir(), 'parley-media-'));
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => BlobStore]> = [
  ['local disk', () => createBlobStore({ store: 'local', dir, s3: null, maxBytes: 64 * MB })],
  ['S3-compatible', () => createBlobStore({
    store: 's3', dir, maxBytes: 64 * MB,
    s3: { endpoint: s3.url, region: 'us-east-1', bucket: s3.bucket, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true },
  })],
];

const key = () => mediaBlobKey(randomUUID(), randomUUID());

async function read(store: BlobStore, k: string): Promise<Buffer | null> {
  const found = await store.get(k);
  return found && await buffer(found.body);
}

describe.each(stores)('the %s blob store', (_name, makeStore) => {
  it('gives back the bytes it stored, replaces them on a second put, and forgets them on delete', async () => {
    const store = makeStore();
    const k = key();
    const photo = randomBytes(70_000);
    expect(await store.put(k, photo, { mimeType: 'image/jpeg', maxBytes: MB })).toEqual({ size: photo.length });
    expect((await read(store, k))!.equals(photo)).toBe(true);
    const retake = randomBytes(1_000);
    await store.put(k, Readable.from([retake.subarray(0, 400), retake.subarray(400)]), { mimeType: 'image/jpeg', maxBytes: MB });
    expect((await read(store, k))!.equals(retake)).toBe(true);
    await store.delete(k);
    expect(await store.get(k)).toBeNull();
    await store.delete(k);
  });

  it('refuses a file over the limit and keeps nothing of it', async () => {
    const store = makeStore();
    const k = key();
    const stream = Readable.from((function* () {
      for (let i = 0; i < 8; i++) yield randomBytes(256 * 1024);
    })());
    await expect(store.put(k, stream, { mimeType: 'video/mp4', maxBytes: MB })).rejects.toThrow(BlobTooLargeError);
    expect(await store.get(k)).toBeNull();
  });

  it('streams a file larger than one upload part and gives it back whole', async () => {
    const store = makeStore();
    const k = key();
    const video = randomBytes(12 * MB);
    const stream = Readable.from((function* () {
      for (let at = 0; at < video.length; at += MB) yield video.subarray(at, at + MB);
    })());
    expect(await store.put(k, stream, { mimeType: 'video/mp4', maxBytes: 64 * MB })).toEqual({ size: video.length });
    expect((await read(store, k))!.equals(video)).toBe(true);
  });
});

describe('the S3-compatible store on the wire', () => {
  it('sends a large file in parts and leaves no upload open when one is refused', async () => {
    const store = stores[1][1]();
    const big = key();
    await store.put(big, randomBytes(12 * MB), { mimeType: 'video/mp4', maxBytes: 64 * MB });
    const parts = s3.requests.filter((r) => r.key === big && r.query.includes('partNumber='));
    expect(parts.length).toBeGreaterThanOrEqual(2);

    const refused = key();
    const stream = Readable.from((function* () {
      for (let i = 0; i < 12; i++) yield randomBytes(MB);
    })());
    await expect(store.put(refused, stream, { mimeType: 'video/mp4', maxBytes: 7 * MB })).rejects.toThrow(BlobTooLargeError);
    expect(s3.objects.has(refused)).toBe(false);
    expect(s3.requests.some((r) => r.key === refused && r.method === 'DELETE' && r.query.includes('uploadId='))).toBe(true);
    expect(s3.openUploads()).toBe(0);
  });

  it('is refused by a server that does not know its key', async () => {
    const store = createBlobStore({
      store: 's3', dir, maxBytes: MB,
      s3: { endpoint: s3.url, region: 'us-east-1', bucket: s3.bucket, accessKeyId: 'SOMEONE-ELSE', secretAccessKey: 'x', forcePathStyle: true },
    });
    await expect(store.put(key(), randomBytes(10), { mimeType: 'image/png', maxBytes: MB })).rejects.toThrow();
  });
});
