/** The blob store on local disk (the embedded default): one file per key under `<PARLEY_DATA_DIR>/media`. */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobTooLargeError, type BlobStore } from './blob-store';

const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

/** Files are written to a temporary name and renamed, so a reader never sees half a file. */
export function createLocalDiskStore(dir: string): BlobStore {
  const file = (key: string) => {
    // Keys are ours (mediaBlobKey), never a caller's path: anything else is a defect, not a file to open.
    if (!KEY.test(key)) throw new Error(`not a media key: ${key}`);
    return path.join(dir, key);
  };
  return {
    async put(key, body, { maxBytes }) {
      const target = file(key);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const temporary = `${target}.${randomUUID()}.part`;
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(size > maxBytes ? new BlobTooLargeError(`larger than ${maxBytes} bytes`) : null, chunk);
        },
      });
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, limit, createWriteStream(temporary, { mode: 0o600 }));
        await fs.rename(temporary, target);
      } catch (err) {
        await fs.rm(temporary, { force: true });
        throw err;
      }
      return { size };
    },
    async get(key) {
      const target = file(key);
      const stat = await fs.stat(target).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      return stat ? { body: createReadStream(target), size: stat.size } : null;
    },
    async delete(key) {
      await fs.rm(file(key), { force: true });
    },
  };
}
