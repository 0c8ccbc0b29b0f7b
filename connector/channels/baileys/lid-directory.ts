/**
 * One person, one contact: the phone behind each WhatsApp LID a channel has seen (contact_lids),
 * and the messages from LIDs whose phone is not known yet (pending_lid_messages), kept until
 * the mapping arrives. Both survive restarts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BufferJSON, type WAMessage } from '@whiskeysockets/baileys';
import type { Orm } from '../../../schema/orm';
import { ContactLid } from '../../../schema/entities/contact-lid.entity';
import { PendingLidMessage } from '../../../schema/entities/pending-lid-message.entity';
import { decryptSecret, encryptSecret } from '../../../schema/crypto';

/** A channel's LID → phone directory and the messages waiting for a mapping. */
export interface LidDirectory {
  phoneOf(lid: string): Promise<string | null>;
  /** Records LID → phone pairs; returns the LIDs that had messages waiting. */
  remember(pairs: { lid: string; phone: string }[]): Promise<string[]>;
  /** Keeps a message until its LID's phone is known. */
  park(lid: string, message: WAMessage): Promise<void>;
  /** The messages waiting for this LID, each with the call that forgets it once handled. */
  waiting(lid: string): Promise<{ message: WAMessage; done(): Promise<void> }[]>;
}

/** The directory of one channel; waiting messages are sealed under the channel's scope. */
export function createLidDirectory(orm: Orm, encryptionKey: Buffer, channelId: string): LidDirectory {
  const scope = (externalId: string) => `baileys-pending:${channelId}:${externalId}`;
  return {
    async phoneOf(lid) {
      return (await orm.em.fork().findOne(ContactLid, { channelId, lid }))?.phone ?? null;
    },
    async remember(pairs) {
      if (pairs.length === 0) return [];
      return orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        await em.upsertMany(ContactLid, pairs.map((p) => ({ channelId, lid: p.lid, phone: p.phone })), {
          onConflictFields: ['channelId', 'lid'], onConflictAction: 'merge', onConflictMergeFields: ['phone'],
        });
        const waiting = await em.find(PendingLidMessage, { channelId, lid: { $in: pairs.map((p) => p.lid) } }, { fields: ['lid'] });
        return [...new Set(waiting.map((w) => w.lid))];
      });
    },
    async park(lid, message) {
      const externalId = message.key.id!;
      const sealed = encryptSecret(encryptionKey, JSON.stringify(message, BufferJSON.replacer), scope(externalId));
      await orm.em.fork().upsert(PendingLidMessage, { channelId, externalId, lid, sealed }, { onConflictFields: ['channelId', 'externalId'], onConflictAction: 'ignore' });
    },
    async waiting(lid) {
      const rows = await orm.em.fork().find(PendingLidMessage, { channelId, lid }, { orderBy: { createdAt: 'asc' } });
      return rows.map((row) => ({
        message: JSON.parse(decryptSecret(encryptionKey, row.sealed, scope(row.externalId)), BufferJSON.reviver) as WAMessage,
        done: async () => void (await orm.em.fork().nativeDelete(PendingLidMessage, { channelId, externalId: row.externalId })),
      }));
    },
  };
}
