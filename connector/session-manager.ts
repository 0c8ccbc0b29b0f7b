/**
 * Owns the channels' sessions. For each channel it serves task queue `channel:<channelId>`
 * with an activity-only worker, so Temporal routes a send to the process holding the socket.
 * New channels are picked up from the `channelAdded` event and by a periodic reconcile.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityContext } from '../activities/context';
import { createMessagingActivities } from '../activities/messaging.activities';
import { channelTaskQueue } from '../workflows/ids';
import { Channel, type ChannelOptions } from '../schema/entities/channel.entity';
import { payloadDataConverter } from '../activities/payload-codec';
import type { ChannelAdapter } from './channels/port';
import { createSimulatorChannel } from './channels/simulator/simulator.channel';

interface Session {
  worker: Worker;
  running: Promise<void>;
}

export interface SessionManager {
  ensure(channelId: string, kind: string, options?: ChannelOptions | null): Promise<void>;
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

export function createSessionManager(ctx: ActivityContext, connection: NativeConnection, log: (msg: string, err?: unknown) => void): SessionManager {
  const sessions = new Map<string, Session>();
  const starting = new Map<string, Promise<void>>();
  let stopping = false;

  async function start(channelId: string, kind: string, options: ChannelOptions | null): Promise<void> {
    const adapter = adapterFor(ctx, channelId, kind, options);
    if (!adapter) return;
    const worker = await Worker.create({
      connection,
      namespace: ctx.config.temporalNamespace,
      taskQueue: channelTaskQueue(channelId),
      activities: createMessagingActivities(ctx, adapter),
      dataConverter: payloadDataConverter(ctx.config),
      maxConcurrentActivityTaskExecutions: 20,
    });
    const running = worker.run().catch((err) => log(`channel ${channelId} worker stopped`, err));
    sessions.set(channelId, { worker, running });
  }

  return {
    async ensure(channelId, kind, options = null) {
      if (stopping || sessions.has(channelId)) return;
      let pending = starting.get(channelId);
      if (!pending) {
        pending = start(channelId, kind, options).finally(() => starting.delete(channelId));
        starting.set(channelId, pending);
      }
      await pending;
    },
    async reconcile() {
      const channels = await ctx.orm.em.fork().find(Channel, {}, { fields: ['id', 'kind', 'options'] });
      for (const channel of channels) await this.ensure(channel.id, channel.kind, channel.options ?? null);
    },
    async stop() {
      stopping = true;
      await Promise.all([...starting.values()]);
      for (const { worker } of sessions.values()) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all([...sessions.values()].map((s) => s.running));
      sessions.clear();
    },
  };
}

function adapterFor(ctx: ActivityContext, channelId: string, kind: string, options: ChannelOptions | null): ChannelAdapter | null {
  switch (kind) {
    case 'SIMULATOR':
      return createSimulatorChannel(ctx.orm, channelId, options?.simulator);
    default:
      // BAILEYS and CLOUD_API adapters come with their own issue; their sends wait in Temporal until then.
      return null;
  }
}
