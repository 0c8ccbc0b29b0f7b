/**
 * What a conversation routes by: the workspace's rules and bot settings, and the conversation's
 * mode. Read when a conversation workflow starts (by the ingress for a new conversation, else by
 * the workflow's first task) and cached in the workflow. Every inbound message carries the
 * workspace's settings_version as the ingress saw it; a newer one makes the workflow read again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../schema/orm';
import { Workspace } from '../schema/entities/workspace.entity';
import { Conversation, type ConversationMode } from '../schema/entities/conversation.entity';
import { KeywordRule } from '../schema/entities/keyword-rule.entity';
import { BotSettings } from '../schema/entities/bot-settings.entity';
import { botSettingsValues } from '../schema/bot-settings-defaults';
import { AiSettings } from '../schema/entities/ai-settings.entity';
import { aiSettingsValues } from '../schema/ai-settings-defaults';
import type { AiRouteSnapshot, RuleSnapshot, SettingsSnapshot } from '../workflows/routing';

export interface ConversationContext {
  mode: ConversationMode;
  rules: RuleSnapshot[];
  settings: SettingsSnapshot;
  /** What the AI route needs in the workflow (the rest, keys included, the AI activities read themselves). Absent in contexts read before AI replies: off. */
  ai?: AiRouteSnapshot;
  /** workspaces.settings_version of these rules and settings (a bigint, as a string). */
  settingsVersion: string;
}

/** The rules and settings of a workspace, with the settings_version they are at. */
export type WorkspaceContext = Omit<ConversationContext, 'mode'>;

/** A conversation's routing context. Without a conversation (not stored yet) the mode is BOT. */
export async function loadConversationContext(orm: Orm, workspaceId: string, conversationId: string | null): Promise<ConversationContext> {
  const em = orm.em.fork();
  const [workspace, conversation] = await Promise.all([
    loadWorkspaceContext(em, workspaceId),
    conversationId ? em.findOne(Conversation, { id: conversationId, workspaceId }, { fields: ['mode'] }) : null,
  ]);
  return { mode: conversation?.mode ?? 'BOT', ...workspace };
}

/**
 * The version is read first: rules or settings read after it may be newer than it says, never
 * older, so a cached copy is at worst read again once, never kept stale.
 */
export async function loadWorkspaceContext(em: EntityManager, workspaceId: string): Promise<WorkspaceContext> {
  const { settingsVersion } = await em.findOneOrFail(Workspace, workspaceId, { fields: ['settingsVersion'] });
  const [rules, settings, ai] = await Promise.all([
    em.find(KeywordRule, { workspaceId, enabled: true }, { orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }] }),
    em.findOne(BotSettings, { workspaceId }),
    em.findOne(AiSettings, { workspaceId }),
  ]);
  const aiValues = aiSettingsValues(ai);
  return {
    settingsVersion,
    // Plain snapshots: they travel in workflow payloads.
    rules: rules.map(({ id, keywords, matchType, reply, priority }) => ({ id, keywords, matchType, reply, priority })),
    settings: botSettingsValues(settings),
    ai: { enabled: aiValues.enabled && aiValues.providers.length > 0, debounceSeconds: aiValues.debounceSeconds },
  };
}
