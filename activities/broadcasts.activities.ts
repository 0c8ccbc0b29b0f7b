/**
 * The broadcastWorkflow's Postgres work (worker role): snapshotting the audience into recipient
 * rows, and the broadcast's status. Each is idempotent: a retry inserts no recipient twice
 * (unique per broadcast and contact) and moves a status only forward.
 */
import { Context } from '@temporalio/activity';
import type { ActivityContext } from './context';
import { execute } from '../schema/orm';
import { eventPayload, NOTIFY } from './events';
import { Broadcast, type BroadcastStatus } from '../schema/entities/broadcast.entity';
import { Segment } from '../schema/entities/segment.entity';
import { Channel, STOPPED_CHANNEL_STATUSES } from '../schema/entities/channel.entity';
import { streamContactIds } from '../schema/contacts/contact-query';
import type { ContactFilter } from '../schema/contacts/contact-filter';

export type BroadcastActivities = ReturnType<typeof createBroadcastActivities>;

export interface BroadcastRef {
  workspaceId: string;
  broadcastId: string;
}

/** A broadcast's channel that no connector serves: `final` when it will not come back. */
export interface ChannelStopped {
  final: boolean;
  reason: string;
}

/** E.164: a plus, then 8 to 15 digits, the first not 0. */
const VALID_PHONE = '^\\+[1-9][0-9]{7,14}$';

/** Recipients inserted per statement. */
const SNAPSHOT_BATCH = 1000;

export function createBroadcastActivities(ctx: ActivityContext) {
  return {
    /**
     * The audience as of now, into broadcast_recipients: a label change mid-campaign moves nobody.
     * Opted-out, blocked and invalid numbers are SKIPPED with the reason. Returns the total.
     */
    async snapshotBroadcastAudience(ref: BroadcastRef): Promise<{ total: number }> {
      const em = ctx.orm.em.fork();
      const broadcast = await em.findOne(Broadcast, { id: ref.broadcastId, workspaceId: ref.workspaceId });
      // Deleted as a draft while its start was on its way (deleteBroadcast): nobody to send to.
      if (!broadcast) return { total: 0 };
      const insert = async (ids: string[]) => {
        await em.execute(
          `insert into broadcast_recipients (id, workspace_id, broadcast_id, contact_id, status, error)
           select gen_random_uuid(), c.workspace_id, ?, c.id,
             case when c.opted_out or c.blocked or c.phone !~ '${VALID_PHONE}' then 'SKIPPED' else 'PENDING' end,
             case when c.opted_out then 'opted out' when c.blocked then 'blocked' when c.phone !~ '${VALID_PHONE}' then 'invalid number' end
           from contacts c where c.workspace_id = ? and c.id = any(?::uuid[])
           on conflict (broadcast_id, contact_id) do nothing`,
          [ref.broadcastId, ref.workspaceId, `{${ids.join(',')}}`],
        );
        Context.current().heartbeat();
      };
      const audience = broadcast.audience;
      if (audience.contactIds) {
        for (let i = 0; i < audience.contactIds.length; i += SNAPSHOT_BATCH) await insert(audience.contactIds.slice(i, i + SNAPSHOT_BATCH));
      } else {
        let filter: ContactFilter = { labelIds: audience.labelIds ?? [] };
        if (audience.segmentId) {
          const segment = await em.findOne(Segment, { id: audience.segmentId, workspaceId: ref.workspaceId });
          // A segment deleted since the broadcast was made: nobody (not everybody).
          if (!segment) return { total: await setTotal(ctx, ref) };
          filter = segment.filter;
        }
        for await (const ids of streamContactIds(em, ref.workspaceId, filter, { batchSize: SNAPSHOT_BATCH })) await insert(ids);
      }
      return { total: await setTotal(ctx, ref) };
    },

    /**
     * Moves the broadcast's status (never out of a final one) and tells the dashboard. `error` says
     * why (a FAILED broadcast, or one paused because its channel stopped); RUNNING clears it.
     */
    async setBroadcastStatus(input: BroadcastRef & { status: BroadcastStatus; error?: string }): Promise<void> {
      const final = ['COMPLETED', 'CANCELLED', 'FAILED'].includes(input.status);
      await execute(
        ctx.orm,
        `with moved as (
           update broadcasts set status = ?, error = case when ? = 'RUNNING' then null else coalesce(?, error) end,
             started_at = case when ? in ('RUNNING') then coalesce(started_at, now()) else started_at end,
             finished_at = case when ? then coalesce(finished_at, now()) else finished_at end
           where id = ? and workspace_id = ? and status not in ('COMPLETED', 'CANCELLED', 'FAILED') returning id
         ) select ${NOTIFY} from moved`,
        [input.status, input.status, input.error ?? null, input.status, final, input.broadcastId, input.workspaceId,
          eventPayload({ type: 'broadcastProgress', workspaceId: input.workspaceId, broadcastId: input.broadcastId })],
      );
    },

    /**
     * Why nobody takes the broadcast's sends, when nobody does: its channel is gone, or stopped until
     * someone connects it again (logged out, banned, disconnected: no connector serves its queue).
     * Null while the channel is meant to run (a connector restarting, a reconnect under way).
     */
    async broadcastChannelStopped(input: { workspaceId: string; channelId: string }): Promise<ChannelStopped | null> {
      const channel = await ctx.orm.em.fork().findOne(Channel, { id: input.channelId, workspaceId: input.workspaceId }, { fields: ['status', 'lastError'] });
      if (!channel) return { final: true, reason: 'the channel was deleted' };
      if (!STOPPED_CHANNEL_STATUSES.includes(channel.status)) return null;
      const reason = channel.lastError ?? `the channel is ${channel.status.toLowerCase().replace('_', ' ')}`;
      // A banned number does not come back; logged out or disconnected, it does once someone links it again.
      return channel.status === 'BANNED' ? { final: true, reason } : { final: false, reason: `${reason}; paused until the channel is connected again and the broadcast resumed` };
    },

    /** A cancelled broadcast's recipients not sent yet: SKIPPED, so none is left PENDING. */
    async skipPendingRecipients(input: BroadcastRef & { reason: string }): Promise<void> {
      await execute(
        ctx.orm,
        `update broadcast_recipients set status = 'SKIPPED', error = ? where broadcast_id = ? and workspace_id = ? and status = 'PENDING'`,
        [input.reason, input.broadcastId, input.workspaceId],
      );
    },
  };
}

async function setTotal(ctx: ActivityContext, ref: BroadcastRef): Promise<number> {
  const [row] = await execute<{ total: number }[]>(
    ctx.orm,
    `update broadcasts b set total = (select count(*) from broadcast_recipients r where r.broadcast_id = b.id) where b.id = ? and b.workspace_id = ? returning total`,
    [ref.broadcastId, ref.workspaceId],
  );
  return row.total;
}
