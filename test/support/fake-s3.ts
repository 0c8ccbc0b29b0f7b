/**
 * A wire-compatible S3 server for tests (path-style `/<bucket>/<key>`): PutObject, GetObject,
 * DeleteObject and multipart uploads (create, upload part, complete, abort). It refuses requests
 * not signed with SigV4 for its access key, and records every request it takes.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { buffer } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** Stored objects by key. */
  objects: Map<string, { body: Buffer; contentType: string | undefined }>;
  /** Multipart uploads neither completed nor aborted. */
  openUploads(): number;
  /** Every request, in order: method, key and the S3 operation's query (uploads, partNumber…). */
  requests: Array<{ method: string; key: string; query: string }>;
  close(): Promise<void>;
}

export async function startFakeS3(): Promise<FakeS3> {
  const accessKeyId = 'FAKEACCESSKEY';
  const bucket = 'parley-media';
  const objects: FakeS3['objects'] = new Map();
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer>; contentType: string | undefined }>();
  const requests: FakeS3['requests'] = [];

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, bucketName, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    requests.push({ method: req.method ?? '', key, query: url.search });
    const body = await buffer(req);
    const fail = (status: number, code: string) => res.writeHead(status, { 'content-type': 'application/xml' }).end(`<Error><Code>${code}</Code></Error>`);
    if (!req.headers.authorization?.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) return fail(403, 'InvalidAccessKeyId');
    if (bucketName !== bucket) return fail(404, 'NoSuchBucket');
    const uploadId = url.searchParams.get('uploadId');
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;

    if (req.method === 'POST' && url.searchParams.has('uploads')) {
      const id = randomUUID();
      uploads.set(id, { key, parts: new Map(), contentType: req.headers['content-type'] });
      return res.writeHead(200, { 'content-type': 'application/xml' })
        .end(`<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
    }
    if (uploadId) {
      const upload = uploads.get(uploadId);
      if (!upload) return fail(404, 'NoSuchUpload');
      if (req.method === 'PUT') {
        upload.parts.set(Number(url.searchParams.get('partNumber')), body);
        return res.writeHead(200, { etag }).end();
      }
      if (req.method === 'POST') {
        const numbers = [...upload.parts.keys()].sort((a, b) => a - b);
        objects.set(key, { body: Buffer.concat(numbers.map((n) => upload.parts.get(n)!)), contentType: upload.contentType });
        uploads.delete(uploadId);
        return res.writeHead(200, { 'content-type': 'application/xml' })
          .end(`<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`);
      }
      if (req.method === 'DELETE') {
        uploads.delete(uploadId);
        return res.writeHead(204).end();
      }
    }
    switch (req.method) {
      case 'PUT':
        objects.set(key, { body, contentType: req.headers['content-type'] });
        return res.writeHead(200, { etag }).end();
      case 'GET': {
        const stored = objects.get(key);
        if (!stored) return fail(404, 'NoSuchKey');
        return res.writeHead(200, { 'content-length': stored.body.length, 'content-type': stored.contentType ?? 'application/octet-stream' }).end(stored.body);
      }
      case 'DELETE':
        objects.delete(key);
        return res.writeHead(204).end();
      default:
        return fail(405, 'MethodNotAllowed');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey: 'fake-secret-access-key',
    bucket,
    objects,
    openUploads: () => uploads.size,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
