/**
 * Temporal payload encryption: every payload the platform hands Temporal (workflow inputs,
 * signals, activity arguments and results, queries) is sealed with AES-256-GCM under a key derived
 * from ENCRYPTION_KEY, so Temporal's database and its Web UI never hold message text or phone
 * numbers in plain form. The payload's metadata names the key (so keys can rotate: older keys stay
 * in PREVIOUS_ENCRYPTION_KEYS for decoding) and its scope, the channel whose conversation owns it,
 * bound to the ciphertext as authenticated data so it cannot be swapped; the codec endpoint
 * (api/routes/codec.ts) decodes a payload only for an OWNER or ADMIN of that channel's workspace.
 * Payloads without the encrypted encoding (histories recorded before) pass through unchanged.
 * Failure messages and stack traces are payloads too (workflows/failure-converter.ts).
 */
import { fileURLToPath } from 'node:url';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, str, u8, type DataConverter, type Payload, type PayloadCodec, type SerializationContext } from '@temporalio/common';
// A CommonJS package: under Node's ESM loader only its default export is there.
import proto from '@temporalio/proto';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
/** `channel:<channelId>` for a conversation's payloads; empty when the SDK gave no workflow to tie it to. */
const SCOPE_METADATA = 'parley-scope';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_INFO = 'parley temporal payloads v1';

export interface PayloadKey {
  /** Derived from the key itself: the same ENCRYPTION_KEY always has the same id. */
  id: string;
  key: Buffer;
}

/** The payload keys: the first encrypts, every one decrypts (the ones after it are being rotated out). */
export function payloadKeys(encryptionKey: Buffer, previousKeys: Buffer[] = []): PayloadKey[] {
  return [encryptionKey, ...previousKeys].map((master) => {
    const key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), KEY_INFO, 32));
    return { id: createHmac('sha256', key).update('key id').digest('hex').slice(0, 16), key };
  });
}

/** The module whose failure converter encodes failure messages and stacks; workflow bundles are built with it. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('../workflows/failure-converter.ts', import.meta.url));

/** The data converter every Temporal client and worker of the platform uses. */
export function payloadDataConverter(config: { encryptionKey: Buffer; previousEncryptionKeys?: Buffer[] }): DataConverter {
  return {
    payloadCodecs: [createPayloadCodec(payloadKeys(config.encryptionKey, config.previousEncryptionKeys))],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/** Encrypts on encode; on decode, decrypts what it encrypted and passes every other payload through. */
export function createPayloadCodec(keys: PayloadKey[]): PayloadCodec {
  if (!keys.length) throw new Error('payload codec: no key');
  const byId = new Map(keys.map((k) => [k.id, k]));
  const current = keys[0];
  return {
    async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
      const scope = scopeOf(context?.workflowId);
      return payloads.map((payload) => seal(current, scope, payload));
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        if (!isEncrypted(payload)) return payload;
        const keyId = str(payload.metadata![KEY_ID_METADATA] ?? new Uint8Array());
        const key = byId.get(keyId);
        if (!key) throw new Error(`payload encrypted under unknown key ${keyId}: add that ENCRYPTION_KEY to PREVIOUS_ENCRYPTION_KEYS`);
        return open(key, payload);
      });
    },
  };
}

/** The scope an encrypted payload was sealed under (`channel:<id>`, or '' for none); null when it is not encrypted. */
export function payloadScope(payload: Payload): string | null {
  if (!isEncrypted(payload)) return null;
  return str(payload.metadata?.[SCOPE_METADATA] ?? new Uint8Array());
}

/** The channel a scope names, or null. */
export function scopeChannelId(scope: string): string | null {
  return /^channel:([0-9a-f-]{36})$/.exec(scope)?.[1] ?? null;
}

/** Conversation workflows (`conversation:<channelId>:<conversationId>`, or `…:<contactKey>` from before) and their activities belong to their channel. */
function scopeOf(workflowId: string | undefined): string {
  const channelId = /^conversation:([^:]+):/.exec(workflowId ?? '')?.[1];
  return channelId ? `channel:${channelId}` : '';
}

function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && str(encoding) === ENCRYPTED_ENCODING;
}

function additionalData(keyId: string, scope: string): Buffer {
  return Buffer.from(`${keyId}\n${scope}`);
}

function seal(key: PayloadKey, scope: string, payload: Payload): Payload {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key.key, iv);
  cipher.setAAD(additionalData(key.id, scope));
  const plain = PayloadMessage.encode(payload).finish();
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: { [METADATA_ENCODING_KEY]: u8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: u8(key.id), [SCOPE_METADATA]: u8(scope) },
    data: new Uint8Array(sealed.buffer, sealed.byteOffset, sealed.byteLength),
  };
}

function open(key: PayloadKey, payload: Payload): Payload {
  const data = Buffer.from(payload.data ?? new Uint8Array());
  const scope = str(payload.metadata?.[SCOPE_METADATA] ?? new Uint8Array());
  const decipher = createDecipheriv(CIPHER, key.key, data.subarray(0, IV_BYTES));
  decipher.setAAD(additionalData(key.id, scope));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
  return PayloadMessage.decode(plain) as Payload;
}
