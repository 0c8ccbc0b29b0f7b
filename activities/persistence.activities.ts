import type { ActivityContext } from './context';
import { loadConversationContext, type ConversationContext } from './conversation-context';
import { NOTIFY, eventPayload, publish } from './events';
import { UNCERTAIN_REASONS } from './failures';
import { Message } from '../schema/entities/message.entity';
import { Channel } from '../schema/entities/channel.entity';
import { channelIsRetrySafe } from '../connector/channels/retry-safe';
import { execute } from '../schema/orm';
import { createContactActivities } from './contacts.activities';

export type PersistenceActivities = ReturnType<typeof createPersistenceActivities>;

/** Postgres reads and writes the conversation workflow needs; each is idempotent. */
export function createPersistenceActivities(ctx: ActivityContext) {
  return {
    ...createContactActivities(ctx),
    /** The rules, settings and mode a conversation routes by; cached in the workflow. */
    async loadConversationContext(input: { workspaceId: string; conversationId: string }): Promise<ConversationContext> {
      return loadConversationContext(ctx.orm, input.workspaceId, input.conversationId);
    },

    /**
     * The human-mode SLA passed with no agent reply: the conversation shows as waiting too long
     * (until an agent replies or releases it), and the inbox hears of it.
     */
    async remindAgents(input: { workspaceId: string; conversationId: string; waitingSinceMessageId: string }): Promise<void> {
      await execute(
        ctx.orm,
        `with reminded as (
           update conversations set sla_breached_at = coalesce(sla_breached_at, now()) where id = ? and workspace_id = ? returning id
         ) select ${NOTIFY} from reminded`,
        [input.conversationId, input.workspaceId, eventPayload({ type: 'conversationUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId })],
      );
    },

    /**
     * A send that gave up (a day of retries, the connector gone): the message shows FAILED with
     * the reason. A message left SENDING on a channel whose wire deduplicates nothing may have
     * gone out, so it shows UNCERTAIN instead and is not resent without an agent.
     */
    async markMessageFailed(input: { idempotencyKey: string; reason: string }): Promise<void> {
      const em = ctx.orm.em.fork();
      const message = await em.findOne(Message, { idempotencyKey: input.idempotencyKey, status: { $in: ['PENDING', 'SENDING'] } });
      if (!message) return;
      const channel = await em.findOneOrFail(Channel, message.channelId);
      const uncertain = message.status === 'SENDING' && !channelIsRetrySafe(channel.kind, channel.options ?? null);
      await em.transactional(async (tx) => {
        const moved = await tx.nativeUpdate(
          Message,
          { id: message.id, status: message.status },
          uncertain ? { status: 'UNCERTAIN', failureReason: UNCERTAIN_REASONS.gaveUp(input.reason) } : { status: 'FAILED', failureReason: input.reason },
        );
        if (moved) await publish(tx, { type: 'messageUpdated', workspaceId: message.workspaceId, conversationId: message.conversationId, messageId: message.id });
      });
    },
  };
}
