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
import type { AiRouteSnapshot, FlowTriggerSnapshot, RuleSnapshot, SettingsSnapshot } from '../workflows/routing';
import type { TriggerData } from '../workflows/flows/definition';
import { FlowRun } from '../schema/entities/flow-run.entity';

export interface ConversationContext {
  mode: ConversationMode;
  rules: RuleSnapshot[];
  settings: SettingsSnapshot;
  /** What the AI route needs in the workflow (the rest, keys included, the AI activities read themselves). Absent in contexts read before AI replies: off. */
  ai?: AiRouteSnapshot;
  /** workspaces.settings_version of these rules and settings (a bigint, as a string). */
  settingsVersion: string;
  /** The live flows a message may start (routing step 4), by priority. Absent in contexts read before flows: none. */
  flows?: FlowTriggerSnapshot[];
  /** The conversation's run in progress, if any: a conversation that starts again keeps forwarding to it. */
  activeFlowRun?: { flowRunId: string; waiting: boolean } | null;
}

/** The rules and settings of a workspace, with the settings_version they are at. */
export type WorkspaceContext = Omit<ConversationContext, 'mode' | 'activeFlowRun'>;

/** A conversation's routing context. Without a conversation (not stored yet) the mode is BOT. */
export async function loadConversationContext(orm: Orm, workspaceId: string, conversationId: string | null): Promise<ConversationContext> {
  const em = orm.em.fork();
  const [workspace, conversation, run] = await Promise.all([
    loadWorkspaceContext(em, workspaceId),
    conversationId ? em.findOne(Conversation, { id: conversationId, workspaceId }, { fields: ['mode'] }) : null,
    conversationId ? activeFlowRunOf(em, workspaceId, conversationId) : null,
  ]);
  return { mode: conversation?.mode ?? 'BOT', ...workspace, activeFlowRun: run };
}

/** The conversation's flow run in progress (RUNNING or WAITING), or null. */
export async function activeFlowRunOf(em: EntityManager, workspaceId: string, conversationId: string): Promise<{ flowRunId: string; waiting: boolean } | null> {
  const run = await em.findOne(FlowRun, { conversationId, workspaceId, status: { $in: ['RUNNING', 'WAITING'] } }, { fields: ['id', 'status'] });
  // A WAITING run may be on a delay rather than a question: forwarding to it is harmless (it keeps only answers to its own question).
  return run ? { flowRunId: run.id, waiting: run.status === 'WAITING' } : null;
}

/**
 * The version is read first: rules or settings read after it may be newer than it says, never
 * older, so a cached copy is at worst read again once, never kept stale.
 */
export async function loadWorkspaceContext(em: EntityManager, workspaceId: string): Promise<WorkspaceContext> {
  const { settingsVersion } = await em.findOneOrFail(Workspace, workspaceId, { fields: ['settingsVersion'] });
  const [rules, settings, ai, flows] = await Promise.all([
    em.find(KeywordRule, { workspaceId, enabled: true }, { orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }] }),
    em.findOne(BotSettings, { workspaceId }),
    em.findOne(AiSettings, { workspaceId }),
    liveFlowTriggers(em, workspaceId),
  ]);
  const aiValues = aiSettingsValues(ai);
  return {
    settingsVersion,
    // Plain snapshots: they travel in workflow payloads.
    rules: rules.map(({ id, keywords, matchType, reply, priority }) => ({ id, keywords, matchType, reply, priority })),
    settings: botSettingsValues(settings),
    ai: { enabled: aiValues.enabled && aiValues.providers.length > 0, debounceSeconds: aiValues.debounceSeconds },
    flows,
  };
}

/** The triggers of the workspace's live flows that an inbound message can match (first message, keyword, media), by priority. */
async function liveFlowTriggers(em: EntityManager, workspaceId: string): Promise<FlowTriggerSnapshot[]> {
  const rows = await em.execute<{ flow_id: string; priority: number; data: TriggerData | null }[]>(
    // Only the trigger node's data leaves Postgres, not whole definitions.
    `select f.id as flow_id, f.priority,
            (select n->'data' from jsonb_array_elements(v.definition->'nodes') n where n->>'type' = 'trigger' limit 1) as data
       from flows f join flow_versions v on v.flow_id = f.id and v.version = f.published_version
      where f.workspace_id = ? and f.deleted_at is null and v.trigger_on in ('first_message', 'keyword', 'media')
      order by f.priority desc, f.created_at asc, f.id asc`,
    [workspaceId],
  );
  return rows.flatMap((row) => {
    const data = row.data;
    if (!data || (data.on !== 'first_message' && data.on !== 'keyword' && data.on !== 'media')) return [];
    return [{ flowId: row.flow_id, priority: row.priority, on: data.on, keywords: data.keywords ?? [], matchType: data.matchType ?? 'CONTAINS', caseSensitive: data.caseSensitive ?? false }];
  });
}
