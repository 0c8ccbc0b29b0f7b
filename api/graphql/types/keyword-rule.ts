import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import safeRegex from 'safe-regex2';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { validate } from '../errors';
import { MATCH_TYPES, type MatchType } from '../../../schema/entities/keyword-rule.entity';

export interface KeywordRuleView {
  id: string;
  keywords: string[];
  matchType: MatchType;
  reply: string;
  priority: number;
  enabled: boolean;
}

export const MatchTypeEnum = builder.enumType('MatchType', { values: MATCH_TYPES });

export const KeywordRuleType = builder.objectRef<KeywordRuleView>('KeywordRule').implement({
  description: 'An automatic reply to messages that match one of its keywords.',
  fields: (t) => ({
    id: t.exposeID('id'),
    keywords: t.exposeStringList('keywords'),
    matchType: t.field({ type: MatchTypeEnum, resolve: (r) => r.matchType }),
    reply: t.exposeString('reply'),
    priority: t.exposeInt('priority'),
    enabled: t.exposeBoolean('enabled'),
  }),
});

const CreateKeywordRuleInput = builder.inputType('CreateKeywordRuleInput', {
  fields: (t) => ({
    keywords: t.stringList({ required: true }),
    matchType: t.field({ type: MatchTypeEnum, required: true }),
    reply: t.string({ required: true }),
    priority: t.int({ defaultValue: 0 }),
    enabled: t.boolean({ defaultValue: true }),
  }),
});

const createRuleSchema = z
  .object({
    keywords: z.array(z.string().trim().min(1, 'must not be empty').max(200, 'is longer than 200 characters')).min(1, 'needs at least one keyword').max(50),
    matchType: z.enum(MATCH_TYPES),
    reply: z.string().trim().min(1, 'is required').max(4096, 'is longer than WhatsApp allows (4096 characters)'),
    priority: z.number().int().min(-1000).max(1000).nullish(),
    enabled: z.boolean().nullish(),
  })
  .superRefine((input, issues) => {
    if (input.matchType !== 'REGEX') return;
    input.keywords.forEach((pattern, i) => {
      try {
        new RegExp(pattern, 'iu');
      } catch (err) {
        return issues.addIssue({ code: 'custom', path: ['keywords', i], message: `is not a valid regular expression (${(err as Error).message})` });
      }
      // Every inbound message is matched in the conversation workflow: a pattern that can backtrack
      // for seconds would stall it (and the worker thread with it).
      if (!safeRegex(pattern)) {
        issues.addIssue({ code: 'custom', path: ['keywords', i], message: 'could take too long to match (a repetition inside a repetition, like (a+)+); simplify it' });
      }
    });
  });

builder.queryField('keywordRules', (t) =>
  t.field({
    type: [KeywordRuleType],
    resolve: async (_root, _args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const rows = await ctx.orm.em.fork().execute<{ id: string; keywords: string[]; match_type: MatchType; reply: string; priority: number; enabled: boolean }[]>(
        'select id, keywords, match_type, reply, priority, enabled from keyword_rules where workspace_id = ? order by priority desc, created_at, id',
        [workspaceId],
      );
      return rows.map((r) => ({ id: r.id, keywords: r.keywords, matchType: r.match_type, reply: r.reply, priority: r.priority, enabled: r.enabled }));
    },
  }),
);

builder.mutationField('createKeywordRule', (t) =>
  t.field({
    type: KeywordRuleType,
    args: { input: t.arg({ type: CreateKeywordRuleInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(createRuleSchema, args.input);
      const rule: KeywordRuleView = {
        id: randomUUID(),
        keywords: input.keywords,
        matchType: input.matchType,
        reply: input.reply,
        priority: input.priority ?? 0,
        enabled: input.enabled ?? true,
      };
      await ctx.orm.em.fork().execute(
        'insert into keyword_rules (id, workspace_id, keywords, match_type, reply, priority, enabled) values (?, ?, ?::text[], ?, ?, ?, ?)',
        [rule.id, workspaceId, toPgArray(rule.keywords), rule.matchType, rule.reply, rule.priority, rule.enabled],
      );
      return rule;
    },
  }),
);

function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
