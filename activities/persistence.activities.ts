import type { ActivityContext } from './context';
import { loadConversationContext, type ConversationContext } from './conversation-context';
import { publish } from './events';

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
      const em = ctx.orm.em.fork();
      await em.execute(
        'update conversations set sla_breached_at = coalesce(sla_breached_at, now()) where id = ? and workspace_id = ?',
        [input.conversationId, input.workspaceId],
      );
      await publish(em, { type: 'conversationUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId });
    },

    /** A send that gave up: the message shows FAILED with the reason. */
    async markMessageFailed(input: { idempotencyKey: string; reason: string }): Promise<void> {
      const em = ctx.orm.em.fork();
      const rows = await em.execute<{ id: string; workspace_id: string; conversation_id: string }[]>(
        `update messages set status = 'FAILED', failure_reason = ? where idempotency_key = ? and status = 'PENDING'
         returning id, workspace_id, conversation_id`,
        [input.reason, input.idempotencyKey],
      );
      for (const row of rows) {
        await publish(em, { type: 'messageUpdated', workspaceId: row.workspace_id, conversationId: row.conversation_id, messageId: row.id });
      }
    },
  };
}
