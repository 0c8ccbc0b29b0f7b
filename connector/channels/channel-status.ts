import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../schema/orm';
import { Channel, type ChannelStatus } from '../../schema/entities/channel.entity';
import { ChannelStatusChange } from '../../schema/entities/channel-status-change.entity';
import { publish } from '../../activities/events';

/** A channel's connection as its session reports it. `qrCode` undefined: leave it as it is. */
export interface StatusReport {
  status: ChannelStatus;
  error?: string | null;
  qrCode?: string | null;
}

/**
 * Writes a channel's status, last error and QR, adds a history step when the status or error
 * changed (a rotated QR is not a step), and pushes `channelUpdated` to the workspace, in one
 * transaction.
 */
export async function recordChannelStatus(orm: Orm, workspaceId: string, channelId: string, report: StatusReport): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    const em = tx as EntityManager;
    const channel = await em.findOne(Channel, { id: channelId, workspaceId });
    if (!channel) return;
    const error = report.error === undefined ? channel.lastError : report.error;
    const step = channel.status !== report.status || (report.error !== undefined && report.error !== channel.lastError);
    channel.status = report.status;
    channel.lastError = error ?? null;
    if (report.qrCode !== undefined) channel.qrCode = report.qrCode;
    if (step) em.create(ChannelStatusChange, { id: randomUUID(), workspaceId, channelId, status: report.status, error: error ?? null });
    await em.flush();
    await publish(em, { type: 'channelUpdated', workspaceId, channelId });
  });
}
