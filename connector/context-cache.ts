/**
 * The routing context (rules, bot settings) of recently active workspaces, so the ingress can
 * hand a new conversation's workflow its context at start. An entry is used only while the
 * workspace's settings_version (returned by the ingress's own write) is the one it was read at.
 */
import type { Orm } from '../schema/orm';
import { loadWorkspaceContext, type WorkspaceContext } from '../activities/conversation-context';

export interface ContextCache {
  get(workspaceId: string, settingsVersion: string): Promise<WorkspaceContext>;
}

export function createContextCache(orm: Orm, limit = 1000): ContextCache {
  const entries = new Map<string, { version: string; context: Promise<WorkspaceContext> }>();
  return {
    get(workspaceId, settingsVersion) {
      const entry = entries.get(workspaceId);
      if (entry?.version === settingsVersion) return entry.context;
      const context = loadWorkspaceContext(orm.em.fork(), workspaceId);
      // A failed read is not remembered.
      context.catch(() => entries.get(workspaceId)?.context === context && entries.delete(workspaceId));
      entries.delete(workspaceId);
      // Oldest first: a Map iterates in insertion order.
      if (entries.size >= limit) entries.delete(entries.keys().next().value!);
      entries.set(workspaceId, { version: settingsVersion, context });
      return context;
    },
  };
}
