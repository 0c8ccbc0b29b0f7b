import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { KeywordRule, MATCH_TYPES, type MatchType } from '../../../schema/entities/keyword-rule.entity';
import { checkRegex } from '../../../workflows/safe-regex';
import { MAX_WORKSPACE_REGEX_STEPS, workspaceRegexSteps } from '../regex-budget';

export { MAX_WORKSPACE_REGEX_STEPS };


/** A keyword rule as the API shows it: the KeywordRule entity without its workspace and timestamp. */
export type KeywordRuleView = Pick<KeywordRule, 'id' | 'keywords' | 'matchType' | 'reply' | 'priority' | 'enabled'>;

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
    keywords: t.stringList({ required: true, description: 'For REGEX: JavaScript syntax, matched case-insensitively in linear time (RE2); no backreferences or lookaround.' }),
    matchType: t.field({ type: MatchTypeEnum, required: true }),
    reply: t.string({ required: true }),
    priority: t.int({ defaultValue: 0 }),
    enabled: t.boolean({ defaultValue: true }),
  }),
});

const UpdateKeywordRuleInput = builder.inputType('UpdateKeywordRuleInput', {
  description: 'Fields left out (or null) keep their value; the rest are checked as on create.',
  fields: (t) => ({
    keywords: t.stringList(),
    matchType: t.field({ type: MatchTypeEnum }),
    reply: t.string(),
    priority: t.int(),
    enabled: t.boolean(),
  }),
});

const ruleFields = {
  keywords: z.array(z.string().trim().min(1, 'must not be empty').max(200, 'is longer than 200 characters')).min(1, 'needs at least one keyword').max(50),
  matchType: z.enum(MATCH_TYPES),
  reply: z.string().trim().min(1, 'is required').max(4096, 'is longer than WhatsApp allows (4096 characters)'),
  priority: z.number().int().min(-1000).max(1000),
  enabled: z.boolean(),
};
const createRuleSchema = z.object({ ...ruleFields, priority: ruleFields.priority.nullish(), enabled: ruleFields.enabled.nullish() });
const updateRuleSchema = z.object({
  keywords: ruleFields.keywords.nullish(),
  matchType: ruleFields.matchType.nullish(),
  reply: ruleFields.reply.nullish(),
  priority: ruleFields.priority.nullish(),
  enabled: ruleFields.enabled.nullish(),
});
const uuid = z.string().uuid();

const VIEW_FIELDS = ['id', 'keywords', 'matchType', 'reply', 'priority', 'enabled'] as const;

builder.queryField('keywordRules', (t) =>
  t.field({
    type: [KeywordRuleType],
    resolve: async (_root, _args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      return ctx.orm.em.fork().find(KeywordRule, { workspaceId }, { fields: VIEW_FIELDS, orderBy: { priority: 'desc', createdAt: 'asc', id: 'asc' } });
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
      const em = ctx.orm.em.fork();
      await checkRegexKeywords(em, workspaceId, input);
      const rule = em.create(KeywordRule, {
        id: randomUUID(),
        workspaceId,
        keywords: input.keywords,
        matchType: input.matchType,
        reply: input.reply,
        priority: input.priority ?? 0,
        enabled: input.enabled ?? true,
      });
      await em.flush();
      return rule;
    },
  }),
);

builder.mutationField('updateKeywordRule', (t) =>
  t.field({
    type: KeywordRuleType,
    description: "Changes a rule; running conversations answer with it from their next message (the workspace's settings_version moves).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateKeywordRuleInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(updateRuleSchema, args.input);
      const id = String(args.id);
      const em = ctx.orm.em.fork();
      const rule = uuid.safeParse(id).success ? await em.findOne(KeywordRule, { id, workspaceId }, { fields: VIEW_FIELDS }) : null;
      if (!rule) throw notFound('keyword rule');
      const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as Partial<KeywordRuleView>;
      const current: KeywordRuleView = { id: rule.id, keywords: rule.keywords, matchType: rule.matchType, reply: rule.reply, priority: rule.priority, enabled: rule.enabled };
      const next = { ...current, ...changes };
      if (changes.keywords || changes.matchType) await checkRegexKeywords(em, workspaceId, next, id);
      if (Object.keys(changes).length > 0 && !(await em.nativeUpdate(KeywordRule, { id, workspaceId }, changes))) throw notFound('keyword rule');
      return next;
    },
  }),
);

builder.mutationField('deleteKeywordRule', (t) =>
  t.field({
    type: 'Boolean',
    description: "Removes a rule (true); running conversations stop using it from their next message. Another workspace's id is NOT_FOUND.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const id = String(args.id);
      const deleted = uuid.safeParse(id).success ? await ctx.orm.em.fork().nativeDelete(KeywordRule, { id, workspaceId }) : 0;
      if (!deleted) throw notFound('keyword rule');
      return true;
    },
  }),
);

/**
 * A REGEX rule's keywords must each run on RE2 (BAD_USER_INPUT on `keywords.<i>` with the reason),
 * and with the workspace's other REGEX keywords (its rules' and its live flows' triggers) stay within MAX_WORKSPACE_REGEX_STEPS.
 */
async function checkRegexKeywords(em: EntityManager, workspaceId: string, rule: { keywords: string[]; matchType: MatchType }, exceptRuleId?: string): Promise<void> {
  if (rule.matchType !== 'REGEX') return;
  let steps = 0;
  rule.keywords.forEach((pattern, i) => {
    const check = checkRegex(pattern);
    if (!check.ok) throw badInput(`keywords.${i}: ${check.reason}`, `keywords.${i}`);
    steps += check.steps;
  });
  steps += await workspaceRegexSteps(em, workspaceId, { ruleId: exceptRuleId });
  if (steps > MAX_WORKSPACE_REGEX_STEPS) {
    throw badInput(`keywords: the workspace's regular expressions would take ${steps} steps per message together, at most ${MAX_WORKSPACE_REGEX_STEPS}: simplify or remove some`, 'keywords');
  }
}
