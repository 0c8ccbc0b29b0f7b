/**
 * WhatsApp's media host for tests: files encrypted by Baileys' own sender code
 * (test/support/baileys-encrypt.ts) served over local HTTP, and the fields that announce them.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { TEST_ROOT } from './services-env';

/** An encrypted file and the media message fields (base64, as a message's JSON carries them). */
export interface SealedMedia {
  bytes: Buffer;
  fields: { mediaKey: string; fileSha256: string; fileEncSha256: string; fileLength: number };
}

/** Encrypts `plain` exactly as WhatsApp stores it (AES-CBC, HMAC, hashes) with Baileys' encryptedStream. */
export function sealMedia(plain: Buffer, mediaType: 'image' | 'audio' | 'video' | 'document'): Promise<SealedMedia> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      path.join(TEST_ROOT, 'node_modules/.bin/node'),
      ['--import', 'tsx', path.join(TEST_ROOT, 'test/support/baileys-encrypt.ts'), mediaType],
      { cwd: TEST_ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        const { bytes, ...fields } = JSON.parse(stdout) as SealedMedia['fields'] & { bytes: string };
        resolve({ bytes: Buffer.from(bytes, 'base64'), fields });
      },
    );
    child.stdin!.end(plain);
  });
}

/** A local stand-in for mmg.whatsapp.net: each path serves the bytes set for it. */
export interface MediaHost {
  url(path: string): string;
  files: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startMediaHost(): Promise<MediaHost> {
  const files = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length }).end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    files,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
