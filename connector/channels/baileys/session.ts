/**
 * One channel's WhatsApp Web session: the Baileys socket, its status (channels.status and its
 * history), reconnects, inbound messages to the ingress, receipts to the receipt sink, and the
 * channel port's sends. The session manager opens it only while this process holds the
 * channel's lease (connector/channels/lease.ts), so no two processes ever open one session.
 */
import type { ConnectionState, WAMessage, WAMessageKey, WAMessageUpdate, MessageUserReceiptUpdate, BaileysEventMap } from '@whiskeysockets/baileys';
import type { Orm } from '../../../schema/orm';
import type { ChannelOptions, ChannelStatus } from '../../../schema/entities/channel.entity';
import { Message } from '../../../schema/entities/message.entity';
import { ChannelStatusChange } from '../../../schema/entities/channel-status-change.entity';
import { InvalidPhoneError, type Ingress } from '../../ingress.port';
import type { DeliveryReceipt, InboundMediaRef, ReceiptSink } from '../inbound-message';
import { NotAcceptedError, PermanentChannelError, type ChannelAdapter, type DownloadedMedia, type OutboundMessage } from '../port';
import { recordChannelStatus, type StatusReport } from '../channel-status';
import { createSendRate } from '../send-rate';
import { wireIdFor } from '../wire-id';
import { toContactKey } from '../../phone';
import { loadAuthState, type StoredAuthState } from './auth-state';
import { createLidDirectory } from './lid-directory';
import { baileysLogger } from './logger';
import { addressOf, normalizeBaileysMessage, type ContactAddress } from './normalize';
import { jidOfPhone, phoneOfJid } from './jid';
import { toBaileysContent } from './outbound';
import { downloadBaileysMedia } from './media';
import type { BaileysSocket, SocketFactory } from './socket';

/** Waits before each reconnect after a drop, the last one repeating; back to the first after a stable open. */
export const RECONNECT_BACKOFF_MS = [2_000, 5_000, 15_000, 30_000, 60_000] as const;
/** An open connection this old counts as stable: the next drop starts the backoff again. */
export const STABLE_AFTER_MS = 60_000;
/** QR codes shown without a scan before the session stops asking (status DISCONNECTED, "QR not scanned"). */
export const MAX_QR_ROTATIONS = 6;
/**
 * Messages delivered late (offline notifications, history) count only when they were sent since the
 * channel was last connected (less this overlap: the ingress drops what it already has) and within
 * this window; a newly linked phone's old chats are history, not messages to answer.
 */
export const HISTORY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HISTORY_OVERLAP_MS = 60_000;
/** Waits before storing an inbound message again when the ingress failed (Postgres away): WhatsApp does not deliver it twice. */
export const INGRESS_RETRY_MS = [1_000, 5_000, 15_000, 30_000] as const;
/** How many of our own send ids are remembered to recognise their echoes. */
const OWN_IDS_KEPT = 2_000;

/** Baileys' DisconnectReason codes the session treats apart. */
const CLOSE = { loggedOut: 401, forbidden: 403, connectionReplaced: 440, restartRequired: 515 } as const;

/** proto.WebMessageInfo.Status → our receipt status. */
const RECEIPT_STATUS: Record<number, DeliveryReceipt['status']> = { 0: 'FAILED', 2: 'SENT', 3: 'DELIVERED', 4: 'READ', 5: 'READ' };

/** What a session is built from. */
export interface BaileysSessionDeps {
  orm: Orm;
  encryptionKey: Buffer;
  channel: { id: string; workspaceId: string; createdAt: Date; options?: ChannelOptions | null };
  factory: SocketFactory;
  ingress: Ingress;
  receipts: ReceiptSink;
  log: (msg: string, err?: unknown) => void;
  /** The session stopped itself (logged out, banned, conflict, QR not scanned): the manager lets the channel go. */
  onStopped(): void;
}

/** The channel port over a WhatsApp Web session, plus what the session manager and the API's commands do with it. */
export interface BaileysSession extends ChannelAdapter {
  /** Only the lease holder may run it. */
  readonly exclusive: true;
  start(): Promise<void>;
  /** Closes the socket at once and leaves the status as it is (the lease was lost, or the process stops). */
  close(): Promise<void>;
  /** Closes the socket on a user's request: DISCONNECTED until connectChannel. */
  disconnect(): Promise<void>;
  requestPairingCode(phone: string): Promise<string>;
  setOptions(options: ChannelOptions | null): void;
}

/** A channel's session, not yet started (the session manager starts it once it holds the lease). */
export function createBaileysSession(deps: BaileysSessionDeps): BaileysSession {
  const { orm, channel, log } = deps;
  const channelId = channel.id;
  const logger = baileysLogger(log, channelId);
  const lids = createLidDirectory(orm, deps.encryptionKey, channelId);
  let options = channel.options ?? {};
  const rate = createSendRate(() => options.ratePerMinute, channel.createdAt);
  const ownIds = new Set<string>();
  let auth: StoredAuthState | null = null;
  let socket: BaileysSocket | null = null;
  let status: ChannelStatus | null = null;
  let stopped = true;
  let attempt = 0;
  let qrRotations = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let stableTimer: NodeJS.Timeout | undefined;
  let statusWrites: Promise<void> = Promise.resolve();
  let inbound: Promise<void> = Promise.resolve();
  /** Late messages older than this are not taken in; null: none are (the channel was never connected before this socket). */
  let lateSince: number | null = null;

  const report = (next: StatusReport) => {
    status = next.status;
    statusWrites = statusWrites
      .then(() => recordChannelStatus(orm, channel.workspaceId, channelId, next))
      .catch((err) => log(`channel ${channelId}: could not record status ${next.status}`, err));
    return statusWrites;
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    auth ??= await loadAuthState(orm, deps.encryptionKey, channelId, logger);
    lateSince = await lastConnectedAt();
    const sock = await deps.factory({ channelId, auth: auth.state, logger });
    if (stopped) {
      await sock.end(undefined);
      return;
    }
    socket = sock;
    const saveCreds = auth.saveCreds;
    const on = <E extends keyof BaileysEventMap>(event: E, handler: (arg: BaileysEventMap[E]) => unknown) =>
      sock.ev.on(event, (arg) => {
        if (socket !== sock) return;
        Promise.resolve(handler(arg)).catch((err) => log(`channel ${channelId}: ${event} failed`, err));
      });
    on('creds.update', () => saveCreds());
    on('connection.update', (update) => onConnection(update));
    on('messages.upsert', ({ messages, type }) => queueInbound(messages, type === 'notify'));
    on('messaging-history.set', async ({ messages, lidPnMappings }) => {
      await rememberLids((lidPnMappings ?? []).map((m) => ({ lid: m.lid, pn: m.pn })));
      queueInbound(messages, false);
    });
    on('lid-mapping.update', (mapping) => rememberLids([mapping]));
    on('messages.update', (updates) => applyReceipts(updates.flatMap(receiptOfUpdate)));
    on('message-receipt.update', (updates) => applyReceipts(updates.flatMap(receiptOfUserReceipt)));
  }

  async function onConnection(update: Partial<ConnectionState>): Promise<void> {
    if (update.qr) {
      qrRotations += 1;
      if (qrRotations > MAX_QR_ROTATIONS) {
        await stop({ status: 'DISCONNECTED', error: 'QR not scanned', qrCode: null });
        return;
      }
      await report({ status: 'QR_REQUIRED', qrCode: update.qr, error: null });
    }
    if (update.connection === 'open') {
      qrRotations = 0;
      clearTimeout(stableTimer);
      stableTimer = setTimeout(() => (attempt = 0), STABLE_AFTER_MS);
      await report({ status: 'CONNECTED', error: null, qrCode: null });
      return;
    }
    if (update.connection !== 'close') return;
    socket = null;
    clearTimeout(stableTimer);
    const error = update.lastDisconnect?.error as { output?: { statusCode?: number; payload?: { message?: string } }; message?: string } | undefined;
    const code = error?.output?.statusCode;
    const reason = `${error?.output?.payload?.message ?? error?.message ?? 'connection closed'}${code ? ` (${code})` : ''}`;
    switch (code) {
      case CLOSE.loggedOut:
        await auth?.wipe();
        auth = null;
        await stop({ status: 'LOGGED_OUT', error: `logged out from the phone: scan a new QR code to connect again (${reason})`, qrCode: null });
        return;
      case CLOSE.forbidden:
        await stop({ status: 'BANNED', error: `WhatsApp refused this number (${reason})`, qrCode: null });
        return;
      case CLOSE.connectionReplaced:
        await stop({ status: 'DISCONNECTED', error: `another device took the session (${reason}); connect again to take it back`, qrCode: null });
        return;
      case CLOSE.restartRequired:
        // Sent after every pairing: the new credentials need a new socket, now.
        await report({ status: 'CONNECTING', error: null });
        await connect().catch((err) => retryAfter(err));
        return;
      default: {
        const wait = RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)];
        attempt += 1;
        await report({ status: 'RECONNECTING', error: `${reason}; reconnecting in ${wait / 1000} s`, qrCode: null });
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(() => connect().catch((err) => retryAfter(err)), wait);
      }
    }
  }

  function retryAfter(err: unknown): void {
    log(`channel ${channelId}: could not open the socket`, err);
    if (stopped) return;
    void onConnection({ connection: 'close', lastDisconnect: { error: err as Error, date: new Date() } });
  }

  /** The session ends on its own (logged out, banned, conflict, QR not scanned, a user's disconnect). */
  async function stop(final: StatusReport): Promise<void> {
    await closeSocket();
    await report(final);
    deps.onStopped();
  }

  async function closeSocket(): Promise<void> {
    stopped = true;
    clearTimeout(reconnectTimer);
    clearTimeout(stableTimer);
    const sock = socket;
    socket = null;
    await sock?.end(undefined);
  }

  function queueInbound(messages: WAMessage[], live: boolean): void {
    inbound = inbound.then(async () => {
      for (const message of messages) await receiveWithRetries(message, live);
    });
  }

  async function receiveWithRetries(message: WAMessage, live: boolean): Promise<void> {
    for (let retry = 0; ; retry++) {
      try {
        return await receive(message, live);
      } catch (err) {
        const wait = INGRESS_RETRY_MS[retry];
        if (wait === undefined || err instanceof InvalidPhoneError || stopped) {
          log(`channel ${channelId}: inbound message ${message.key?.id} could not be stored`, err);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async function receive(message: WAMessage, live: boolean): Promise<void> {
    const normalized = normalizeBaileysMessage(message, options);
    if (!normalized) return;
    const { message: inboundMessage, address } = normalized;
    if (!live && !(inboundMessage.sentAt && lateSince !== null && inboundMessage.sentAt.getTime() >= lateSince)) return;
    if (inboundMessage.fromMe && (await isOurOwnSend(inboundMessage.externalId))) return;
    const phone = await phoneOf(address);
    if (!phone) {
      // A LID whose phone nobody has told us yet: kept until the mapping arrives (never a conversation under the LID).
      if (address.lid) await lids.park(address.lid, message);
      return;
    }
    await deps.ingress.receive({
      channelId,
      from: phone,
      ...inboundMessage,
      name: inboundMessage.fromMe ? null : inboundMessage.name,
    });
  }

  async function lastConnectedAt(): Promise<number | null> {
    const last = await orm.em.fork().findOne(ChannelStatusChange, { channelId, status: 'CONNECTED' }, { orderBy: { at: 'desc' }, fields: ['at'] });
    return last ? Math.max(last.at.getTime() - HISTORY_OVERLAP_MS, Date.now() - HISTORY_WINDOW_MS) : null;
  }

  async function isOurOwnSend(externalId: string): Promise<boolean> {
    if (ownIds.has(externalId)) return true;
    return (await orm.em.fork().count(Message, { channelId, externalId, direction: 'OUTBOUND' })) > 0;
  }

  async function phoneOf(address: ContactAddress): Promise<string | null> {
    if (address.phone) {
      if (address.lid) await rememberLids([{ lid: `${address.lid}@lid`, pn: jidOfPhone(address.phone) }]);
      return address.phone;
    }
    if (!address.lid) return null;
    const known = await lids.phoneOf(address.lid);
    if (known) return known;
    const pn = await socket?.signalRepository?.lidMapping?.getPNForLID(`${address.lid}@lid`).catch(() => null);
    const phone = phoneOfJid(pn);
    if (phone) await rememberLids([{ lid: `${address.lid}@lid`, pn: pn! }]);
    return phone;
  }

  /** Records LID ↔ phone pairs (as Baileys gives them, JIDs) and lets the messages that waited for them in. */
  async function rememberLids(mappings: { lid: string; pn: string }[]): Promise<void> {
    const pairs = mappings.flatMap((m) => {
      const lid = addressOf({ remoteJid: m.lid }).lid;
      const phone = phoneOfJid(m.pn);
      return lid && phone ? [{ lid, phone }] : [];
    });
    const released = await lids.remember(pairs);
    for (const lid of released) {
      for (const waiting of await lids.waiting(lid)) {
        queueInbound([waiting.message], true);
        inbound = inbound.then(() => waiting.done());
      }
    }
  }

  async function applyReceipts(receipts: DeliveryReceipt[]): Promise<void> {
    if (receipts.length) await deps.receipts.apply(receipts);
  }

  function receiptOfUpdate(update: WAMessageUpdate): DeliveryReceipt[] {
    const code = update.update.status;
    const mapped = code == null ? undefined : RECEIPT_STATUS[code];
    if (!update.key.fromMe || !update.key.id || !mapped) return [];
    return [{ channelId, externalId: update.key.id, status: mapped, at: new Date(), errorCode: mapped === 'FAILED' ? 'ERROR' : null, errorReason: mapped === 'FAILED' ? 'WhatsApp reported an error for this message' : null }];
  }

  function receiptOfUserReceipt({ key, receipt }: MessageUserReceiptUpdate): DeliveryReceipt[] {
    if (!key.fromMe || !key.id) return [];
    const read = receipt.readTimestamp ?? receipt.playedTimestamp;
    const at = Number(read ?? receipt.receiptTimestamp ?? 0);
    return [{ channelId, externalId: key.id, status: read ? 'READ' : 'DELIVERED', at: at ? new Date(at * 1000) : new Date() }];
  }

  function connected(): BaileysSocket {
    if (!socket || status !== 'CONNECTED') throw new NotAcceptedError(`WhatsApp Web is not connected (${(status ?? 'stopped').toLowerCase()}); nothing was sent`);
    return socket;
  }

  return {
    exclusive: true,
    retrySafe: true,
    async start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      qrRotations = 0;
      await report({ status: 'CONNECTING', error: null });
      await connect().catch((err) => retryAfter(err));
    },
    async close() {
      await closeSocket();
      await statusWrites;
      await inbound;
    },
    async disconnect() {
      await stop({ status: 'DISCONNECTED', error: null, qrCode: null });
    },
    async requestPairingCode(phone) {
      if (!socket || status !== 'QR_REQUIRED') throw new PermanentChannelError('the channel is not waiting to be linked: connect it and wait for its QR code');
      return socket.requestPairingCode(toContactKey(phone));
    },
    setOptions(next) {
      options = next ?? {};
    },
    async send(message: OutboundMessage) {
      const sock = connected();
      await rate.take(message.priority);
      const jid = jidOfPhone(message.to);
      const messageId = wireIdFor(message.idempotencyKey);
      ownIds.add(messageId);
      if (ownIds.size > OWN_IDS_KEPT) ownIds.delete(ownIds.values().next().value!);
      const content = toBaileysContent(message, jid);
      const quoted = message.replyToExternalId ? ({ key: { remoteJid: jid, id: message.replyToExternalId, fromMe: false }, message: {} } as WAMessage) : undefined;
      const sent = await sock.sendMessage(jid, content, { messageId, quoted });
      return { externalId: sent?.key.id ?? messageId };
    },
    async markRead({ externalId, from }) {
      const key: WAMessageKey = { remoteJid: jidOfPhone(from), id: externalId, fromMe: false };
      await connected().readMessages([key]);
    },
    async downloadMedia(media: InboundMediaRef): Promise<DownloadedMedia> {
      return downloadBaileysMedia(media);
    },
  };
}
