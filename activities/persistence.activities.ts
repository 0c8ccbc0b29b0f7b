import type { ActivityContext } from './context';
import { loadConversationContext, type ConversationContext } from './conversation-context';
import { EVENTS_CHANNEL, NOTIFY, eventPayload } from './events';
import { execute } from '../schema/orm';

export type PersistenceActivities = ReturnType<typeof createPersistenceActivities>;

/** Postgres reads and writes the conversation workflow needs; each is idempotent. */
export function createPersistenceActivities(ctx: ActivityContext) {
  return {
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

    /** A send that gave up: the message shows FAILED with the reason (one statement, whatever the batch). */
    async markMessageFailed(input: { idempotencyKey: string; reason: string }): Promise<void> {
      await execute(
        ctx.orm,
        `with failed as (
           update messages set status = 'FAILED', failure_reason = ? where idempotency_key = ? and status = 'PENDING'
           returning id, workspace_id, conversation_id
         ) select pg_notify(?, json_build_object('type', 'messageUpdated', 'workspaceId', workspace_id, 'conversationId', conversation_id, 'messageId', id)::text)
         from failed`,
        [input.reason, input.idempotencyKey, EVENTS_CHANNEL],
      );
    },
  };
}
