import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';

export const MATCH_TYPES = ['EXACT', 'CONTAINS', 'STARTS_WITH', 'REGEX'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

/** An automatic reply to messages matching any of its keywords; higher priority wins. */
export const KeywordRule = defineEntity({
  name: 'KeywordRule',
  tableName: 'keyword_rules',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    keywords: p.array<string>(),
    matchType: p.enum(MATCH_TYPES),
    reply: p.text(),
    priority: p.integer().default(0),
    enabled: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'keyword_rules_workspace', columns: [{ name: 'workspace_id' }, { name: 'priority', sort: 'DESC' }] }],
});
export type KeywordRule = InferEntity<typeof KeywordRule>;
