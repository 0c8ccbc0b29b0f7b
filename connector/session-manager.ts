/**
 * Owns the channels' sessions. For each channel it serves task queue `channel:<channelId>`
 * with an activity-only worker, so Temporal routes a send to the process holding the socket.
 * A channel with a socket of its own (WhatsApp Web) runs only in the process that holds its
 * lease (connector/channels/lease.ts): it is taken before the socket opens, renewed every
 * heartbeat, and a process that loses it closes the socket at once; channels whose lease lapsed
 * (their connector died) are taken over at the next heartbeat. New channels are picked up from
 * the `channelAdded` event and by a periodic reconcile; the API's commands (connect, disconnect,
 * pairing code, settings) arrive as `channelCommand` events and are answered by the holder.
 */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityContext } from '../activities/context';
import { createMessagingActivities } from '../activities/messaging.activities';
import { channelTaskQueue } from '../workflows/ids';
import { Channel, STOPPED_CHANNEL_STATUSES, type ChannelOptions } from '../schema/entities/channel.entity';
import { payloadDataConverter } from '../activities/payload-codec';
import { publish, type ParleyEvent } from '../activities/events';
import type { ChannelAdapter } from './channels/port';
import type { Ingress } from './ingress.port';
import { createSimulatorChannel } from './channels/simulator/simulator.channel';
// Types only: Baileys (~70 MB resident) is loaded the first time this process holds a WhatsApp Web channel.
import type { BaileysSession } from './channels/baileys/session';
import type { SocketFactory } from './channels/baileys/socket';
import { createLeases } from './channels/lease';

/** A channel as the manager reads it. */
type ChannelRow = Pick<Channel, 'id' | 'workspaceId' | 'kind' | 'status' | 'options' | 'createdAt'>;
import { createCloudApiChannel } from './channels/cloud-api/cloud-api.channel';
import { createCloudCredentialStore } from './channels/cloud-api/credentials';
import { createBlobStore } from './media/blob-store';

interface Session {
  adapter: ChannelAdapter;
  worker: Worker;
  running: Promise<void>;
}

/** A channel adapter with a connection of its own, run only by the lease holder. */
type ExclusiveChannel = ChannelAdapter & Pick<BaileysSession, 'exclusive' | 'start' | 'close'> & Partial<BaileysSession>;

/** The connector's channels: which run here, and what happens to them. */
export interface SessionManager {
  ensure(channel: ChannelRow): Promise<void>;
  reconcile(): Promise<void>;
  /** A live event: new channels, and the API's commands for channels this process holds. */
  onEvent(event: ParleyEvent): void;
  stop(): Promise<void>;
}

/** The session manager of one connector process (its lease owner id is the host, pid and a random part). */
export function createSessionManager(ctx: ActivityContext, connection: NativeConnection, log: (msg: string, err?: unknown) => void, ingress: Ingress): SessionManager {
  const sessions = new Map<string, Session>();
  const starting = new Map<string, Promise<void>>();
  const ownerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leases = createLeases(ctx.orm, ownerId, ctx.config.channelLease.ttlMs);
  let factory: Promise<SocketFactory> | null = null;
  let stopping = false;

  const exclusiveChannels: ExclusiveChannels = {
    baileys: async (channel) => {
      const [{ createBaileysSession }, { socketFactory }] = await Promise.all([import('./channels/baileys/session'), import('./channels/baileys/socket')]);
      return createBaileysSession({
        orm: ctx.orm,
        encryptionKey: ctx.config.encryptionKey,
        channel,
        factory: await (factory ??= socketFactory(ctx.config.testBaileysSocket)),
        ingress,
        receipts: ctx.receipts,
        log,
        onStopped: () => void drop(channel.id, true),
      });
    },
  };

  async function start(channel: ChannelRow): Promise<void> {
    const adapter = await adapterFor(ctx, channel.id, channel.kind, channel.options ?? null, { channel, build: exclusiveChannels });
    if (!adapter) return;
    if (isExclusive(adapter)) {
      if (!(await leases.acquire(channel.id))) return;
      await adapter.start();
    }
    const worker = await Worker.create({
      connection,
      namespace: ctx.config.temporalNamespace,
      taskQueue: channelTaskQueue(channel.id),
      activities: createMessagingActivities(ctx, adapter),
      dataConverter: payloadDataConverter(ctx.config),
      maxConcurrentActivityTaskExecutions: 20,
    });
    const running = worker.run().catch((err) => log(`channel ${channel.id} worker stopped`, err));
    sessions.set(channel.id, { adapter, worker, running });
  }

  /** Closes a channel's socket at once, then its worker; `release` lets the lease go (the session ended on its own). */
  async function drop(channelId: string, release: boolean): Promise<void> {
    const session = sessions.get(channelId);
    sessions.delete(channelId);
    if (session) {
      if (isExclusive(session.adapter)) await session.adapter.close();
      if (session.worker.getState() === 'RUNNING') session.worker.shutdown();
      await session.running;
    }
    if (release) await leases.release(channelId).catch((err) => log(`channel ${channelId}: could not release its lease`, err));
  }

  /** Renews the leases this process holds; a lost one closes its socket now. Then takes over channels whose holder died. */
  async function heartbeat(): Promise<void> {
    for (const [channelId, session] of [...sessions]) {
      if (!isExclusive(session.adapter)) continue;
      const held = await leases.acquire(channelId).catch((err) => (log(`channel ${channelId}: lease renewal failed`, err), false));
      if (!held) {
        log(`channel ${channelId}: lease lost; closing its session`);
        await drop(channelId, false);
      }
    }
    await manager.reconcile();
  }

  async function command(event: Extract<ParleyEvent, { type: 'channelCommand' }>): Promise<void> {
    const session = sessions.get(event.channelId)?.adapter;
    if (event.command.kind === 'connect') return manager.reconcile();
    if (!session || !isExclusive(session)) return;
    const reply = (answer: { result?: string; error?: string }) =>
      publish(ctx.orm.em.fork() as EntityManager, { type: 'channelCommandReply', workspaceId: event.workspaceId, requestId: event.requestId, ...answer });
    switch (event.command.kind) {
      case 'disconnect':
        await session.disconnect?.();
        return reply({ result: 'disconnected' });
      case 'settings': {
        const channel = await ctx.orm.em.fork().findOne(Channel, { id: event.channelId }, { fields: ['options'] });
        session.setOptions?.(channel?.options ?? null);
        return;
      }
      case 'pairingCode':
        try {
          return await reply({ result: await session.requestPairingCode!(event.command.phone) });
        } catch (err) {
          return reply({ error: err instanceof Error ? err.message : String(err) });
        }
    }
  }

  const timer = setInterval(() => heartbeat().catch((err) => log('connector: lease heartbeat failed', err)), ctx.config.channelLease.heartbeatMs);

  const manager: SessionManager = {
    async ensure(channel) {
      if (stopping || sessions.has(channel.id)) return;
      let pending = starting.get(channel.id);
      if (!pending) {
        pending = start(channel).finally(() => starting.delete(channel.id));
        starting.set(channel.id, pending);
      }
      await pending;
    },
    async reconcile() {
      const channels = await ctx.orm.em.fork().find(Channel, {}, { fields: ['id', 'workspaceId', 'kind', 'status', 'options', 'createdAt'] });
      for (const channel of channels) {
        if (channel.kind === 'BAILEYS' && STOPPED_CHANNEL_STATUSES.includes(channel.status)) continue;
        await this.ensure(channel).catch((err) => log(`channel ${channel.id}: could not start`, err));
      }
    },
    onEvent(event) {
      const handled = event.type === 'channelAdded' ? this.reconcile() : event.type === 'channelCommand' ? command(event) : null;
      handled?.catch((err) => log(`connector: ${event.type} failed`, err));
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      await Promise.all([...starting.values()].map((p) => p.catch(() => undefined)));
      await Promise.all([...sessions.keys()].map((channelId) => drop(channelId, true)));
    },
  };
  return manager;
}

/** Builders of the channels that need a lease, given to adapterFor. */
interface ExclusiveChannels {
  baileys(channel: ChannelRow): Promise<BaileysSession>;
}

function isExclusive(adapter: ChannelAdapter): adapter is ExclusiveChannel {
  return (adapter as Partial<ExclusiveChannel>).exclusive === true;
}

async function adapterFor(
  ctx: ActivityContext,
  channelId: string,
  kind: string,
  options: ChannelOptions | null,
  leased: { channel: ChannelRow; build: ExclusiveChannels },
): Promise<ChannelAdapter | null> {
  switch (kind) {
    case 'SIMULATOR':
      return createSimulatorChannel(ctx.orm, channelId, options?.simulator);
    case 'BAILEYS':
      return leased.build.baileys(leased.channel);
    case 'CLOUD_API':
      return createCloudApiChannel(
        { orm: ctx.orm, graph: ctx.config.graphApi, credentials: createCloudCredentialStore(ctx.orm, ctx.config.encryptionKey), blobs: createBlobStore(ctx.config.media) },
        channelId,
        options?.cloudApi?.ratePerSecond,
      );
    default:
      return null;
  }
}
