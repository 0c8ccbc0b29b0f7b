/**
 * A WhatsApp Web session's auth state in Postgres (table baileys_auth), every value sealed with
 * schema/crypto.ts under the channel's scope: no files, no module-level store. Baileys' key
 * batches are written in one transaction each; the creds on every `creds.update`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataSet, type SignalDataTypeMap, type SignalKeyStore } from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import type { Orm } from '../../../schema/orm';
import { BaileysAuth } from '../../../schema/entities/baileys-auth.entity';
import { decryptSecret, encryptSecret } from '../../../schema/crypto';

const CREDS = 'creds';

/** The session's state for makeWASocket, how to persist its creds, and how to forget it all (logged out). */
export interface StoredAuthState {
  state: AuthenticationState;
  /** True when the creds belong to a paired device: the socket opens without a QR. */
  registered: boolean;
  saveCreds(): Promise<void>;
  wipe(): Promise<void>;
}

/** Loads (or, for a new channel, creates) the channel's auth state. */
export async function loadAuthState(orm: Orm, encryptionKey: Buffer, channelId: string, logger: ILogger): Promise<StoredAuthState> {
  const scope = (kind: string, keyId: string) => `baileys:${channelId}:${kind}:${keyId}`;
  const seal = (kind: string, keyId: string, value: unknown) => encryptSecret(encryptionKey, JSON.stringify(value, BufferJSON.replacer), scope(kind, keyId));
  const open = <T>(row: BaileysAuth): T => JSON.parse(decryptSecret(encryptionKey, row.sealed, scope(row.kind, row.keyId)), BufferJSON.reviver) as T;

  const stored = await orm.em.fork().findOne(BaileysAuth, { channelId, kind: CREDS, keyId: '' });
  const creds: AuthenticationCreds = stored ? open<AuthenticationCreds>(stored) : initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const rows = ids.length ? await orm.em.fork().find(BaileysAuth, { channelId, kind: type, keyId: { $in: ids } }) : [];
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const row of rows) {
        const value = open<SignalDataTypeMap[T]>(row);
        found[row.keyId] = type === 'app-state-sync-key' ? (proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T]) : value;
      }
      return found;
    },
    async set(data: SignalDataSet) {
      await orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const upserts: BaileysAuth[] = [];
        for (const [kind, values] of Object.entries(data)) {
          const removed: string[] = [];
          for (const [keyId, value] of Object.entries(values ?? {})) {
            if (value == null) removed.push(keyId);
            else upserts.push({ channelId, kind, keyId, sealed: seal(kind, keyId, value) });
          }
          if (removed.length) await em.nativeDelete(BaileysAuth, { channelId, kind, keyId: { $in: removed } });
        }
        if (upserts.length) await em.upsertMany(BaileysAuth, upserts, { onConflictFields: ['channelId', 'kind', 'keyId'], onConflictAction: 'merge', onConflictMergeFields: ['sealed'] });
      });
    },
    async clear() {
      await orm.em.fork().nativeDelete(BaileysAuth, { channelId, kind: { $ne: CREDS } });
    },
  };

  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keys, logger) },
    registered: Boolean(creds.registered || creds.me?.id),
    async saveCreds() {
      await orm.em.fork().upsert(BaileysAuth, { channelId, kind: CREDS, keyId: '', sealed: seal(CREDS, '', creds) }, { onConflictFields: ['channelId', 'kind', 'keyId'], onConflictAction: 'merge', onConflictMergeFields: ['sealed'] });
    },
    async wipe() {
      await orm.em.fork().nativeDelete(BaileysAuth, { channelId });
    },
  };
}
