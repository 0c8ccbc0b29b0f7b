import { defineEntity, p } from '@mikro-orm/core';

export const MATCH_TYPES = ['EXACT', 'CONTAINS', 'STARTS_WITH', 'REGEX'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

/** An automatic reply to messages matching any of its keywords; higher priority wins. */
export const KeywordRule = defineEntity({
  name: 'KeywordRule',
  tableName: 'keyword_rules',
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid(),
    keywords: p.array<string>(),
    matchType: p.text().$type<MatchType>(),
    reply: p.text(),
    priority: p.integer().default(0),
    enabled: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
