/**
 * Encrypts a file as a WhatsApp sender does, with Baileys' own encryptedStream, for tests that
 * serve WhatsApp media. Baileys is an ES module Jest cannot load, so this runs as a tsx child:
 * `baileys-encrypt.ts <image|audio|...>` reads the plaintext on stdin and prints JSON (base64).
 */
import { promises as fs } from 'node:fs';
import { encryptedStream, type MediaType } from '@whiskeysockets/baileys';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { encFilePath, mediaKey, fileSha256, fileEncSha256, fileLength } = await encryptedStream(Buffer.concat(chunks), process.argv[2] as MediaType);
  const bytes = await fs.readFile(encFilePath);
  await fs.rm(encFilePath, { force: true });
  const b64 = (b: Buffer) => b.toString('base64');
  process.stdout.write(JSON.stringify({ bytes: b64(bytes), mediaKey: b64(mediaKey), fileSha256: b64(fileSha256), fileEncSha256: b64(fileEncSha256), fileLength }));
}

void main();
