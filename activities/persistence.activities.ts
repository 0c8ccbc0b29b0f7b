import type { ActivityContext } from './context';
import type { ConversationMode, RuleSnapshot, SettingsSnapshot } from '../workflows/routing';
import { publish } from './events';
import { execute } from '../schema/orm';

export interface ConversationContext {
  mode: ConversationMode;
  rules: RuleSnapshot[];
  settings: SettingsSnapshot;
}

export type PersistenceActivities = ReturnType<typeof createPersistenceActivities>;

/** Postgres reads and writes the conversation workflow needs; each is idempotent. */
export function createPersistenceActivities(ctx: ActivityContext) {
  return {
    /** The rules, settings and mode a conversation routes by; cached in the workflow. */
    async loadConversationContext(input: { workspaceId: string; conversationId: string }): Promise<ConversationContext> {
      // One round trip: this runs at the start of every conversation.
      const [{ mode, rules, settings }] = await execute<{
        mode: ConversationMode | null;
        rules: RuleSnapshot[];
        settings: {
          default_reply: string | null;
          away_message: string | null;
          time_zone: string;
          business_hours: SettingsSnapshot['businessHours'];
          human_sla_seconds: number | null;
          sla_fallback_message: string | null;
        } | null;
      }[]>(
        ctx.orm,
        `select
           (select mode from conversations where id = ? and workspace_id = ?) as mode,
           (select coalesce(json_agg(json_build_object('id', id, 'keywords', keywords, 'matchType', match_type, 'reply', reply, 'priority', priority)
                                     order by priority desc, created_at, id), '[]')
            from keyword_rules where workspace_id = ? and enabled) as rules,
           (select row_to_json(s) from (
              select default_reply, away_message, time_zone, business_hours, human_sla_seconds, sla_fallback_message
              from bot_settings where workspace_id = ?) s) as settings`,
        [input.conversationId, input.workspaceId, input.workspaceId, input.workspaceId],
      );
      return {
        mode: mode ?? 'BOT',
        rules,
        settings: {
          defaultReply: settings?.default_reply ?? null,
          awayMessage: settings?.away_message ?? null,
          timeZone: settings?.time_zone ?? 'UTC',
          businessHours: settings?.business_hours ?? null,
          humanSlaSeconds: settings?.human_sla_seconds ?? null,
          slaFallbackMessage: settings?.sla_fallback_message ?? null,
        },
      };
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
      await publish(em, { type: 'slaBreached', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId: input.waitingSinceMessageId });
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
