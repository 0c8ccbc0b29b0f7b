/**
 * The blob store on an S3-compatible service (AWS S3, MinIO, R2, Ceph…), chosen with
 * MEDIA_STORE=s3: one object per key in S3_BUCKET, streamed up in parts by @aws-sdk/lib-storage.
 */
import { Readable, Transform } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../../activities/config';
import { BlobTooLargeError, type BlobStore } from './blob-store';

export function createS3Store(config: S3Config): BlobStore {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Path-style URLs and no default streaming checksums: what S3-compatible servers (MinIO, Ceph, older R2) all take.
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const object = (key: string) => ({ Bucket: config.bucket, Key: key });

  return {
    async put(key, body, { mimeType, maxBytes }) {
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(size > maxBytes ? new BlobTooLargeError(`larger than ${maxBytes} bytes`) : null, chunk);
        },
      });
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      // pipe() does not pass the source's error on: the limit stream carries it, and the upload,
      // reading it, fails and aborts its multipart upload before done() rejects: no part is left behind.
      source.once('error', (err) => limit.destroy(err));
      const upload = new Upload({ client, params: { ...object(key), Body: source.pipe(limit), ContentType: mimeType } });
      await upload.done();
      return { size };
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand(object(key)));
        return { body: answer.Body as Readable, size: Number(answer.ContentLength ?? 0) };
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand(object(key)));
    },
  };
}
