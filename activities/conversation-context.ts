/**
 * What a conversation routes by: the workspace's rules and bot settings, and the conversation's
 * mode. Read when a conversation workflow starts (by the ingress for a new conversation, else by
 * the workflow's first task) and cached in the workflow. Every inbound message carries the
 * workspace's settings_version as the ingress saw it; a newer one makes the workflow read again.
 */
import { execute, type Orm } from '../schema/orm';
import type { ConversationMode, RuleSnapshot, SettingsSnapshot } from '../workflows/routing';

export interface ConversationContext {
  mode: ConversationMode;
  rules: RuleSnapshot[];
  settings: SettingsSnapshot;
  /** workspaces.settings_version of these rules and settings (a bigint, as a string). */
  settingsVersion: string;
}

interface ContextRow {
  mode: ConversationMode | null;
  settings_version: string;
  rules: RuleSnapshot[];
  settings: {
    default_reply: string | null;
    away_message: string | null;
    time_zone: string;
    business_hours: SettingsSnapshot['businessHours'];
    human_sla_seconds: number | null;
    sla_fallback_message: string | null;
  } | null;
}

/** One round trip. Without a conversation (not stored yet) the mode is BOT. */
export async function loadConversationContext(orm: Orm, workspaceId: string, conversationId: string | null): Promise<ConversationContext> {
  // One snapshot: the version read is the version of these rules and settings.
  const [{ mode, settings_version, rules, settings }] = await execute<ContextRow[]>(
    orm,
    `select
       (select mode from conversations where id = ? and workspace_id = ?) as mode,
       (select settings_version::text from workspaces where id = ?) as settings_version,
       (select coalesce(json_agg(json_build_object('id', id, 'keywords', keywords, 'matchType', match_type, 'reply', reply, 'priority', priority)
                                 order by priority desc, created_at, id), '[]')
        from keyword_rules where workspace_id = ? and enabled) as rules,
       (select row_to_json(s) from (
          select default_reply, away_message, time_zone, business_hours, human_sla_seconds, sla_fallback_message
          from bot_settings where workspace_id = ?) s) as settings`,
    [conversationId, workspaceId, workspaceId, workspaceId, workspaceId],
  );
  return {
    mode: mode ?? 'BOT',
    settingsVersion: settings_version,
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
}
