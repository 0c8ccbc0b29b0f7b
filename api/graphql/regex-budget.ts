/**
 * What a workspace's regular expressions cost per inbound message: the conversation workflow runs
 * its REGEX keyword rules and the REGEX trigger keywords of its live flows on every message, so
 * together they keep to MAX_WORKSPACE_REGEX_STEPS (checked when a rule is saved or a flow published).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { KeywordRule } from '../../schema/entities/keyword-rule.entity';
import type { FlowDefinition, TriggerData } from '../../workflows/flows/definition';
import { checkRegex } from '../../workflows/safe-regex';

/**
 * The most RE2 steps a workspace's REGEX patterns may add up to: a 1,000-step program costs up to
 * ~8 ms on a 4 KB message, so this bounds the matching to well under the workflow task's deadlock
 * timeout (a typical pattern is 10–50 steps).
 */
export const MAX_WORKSPACE_REGEX_STEPS = 10_000;

/** The steps of the patterns that can run (the others never match, and are refused where they are saved). */
export function regexSteps(patterns: string[]): number {
  let steps = 0;
  for (const pattern of patterns) {
    const check = checkRegex(pattern);
    if (check.ok) steps += check.steps;
  }
  return steps;
}

/** A flow's REGEX trigger keywords. */
export function triggerRegexes(def: FlowDefinition): string[] {
  const trigger = def.nodes.find((node) => node.type === 'trigger')?.data as Partial<TriggerData> | undefined;
  return trigger?.on === 'keyword' && trigger.matchType === 'REGEX' && Array.isArray(trigger.keywords) ? trigger.keywords : [];
}

/** The steps the workspace's patterns take now, leaving out one rule or one flow (the one being saved). */
export async function workspaceRegexSteps(em: EntityManager, workspaceId: string, except: { ruleId?: string; flowId?: string } = {}): Promise<number> {
  const rules = await em.find(KeywordRule, { workspaceId, matchType: 'REGEX', ...(except.ruleId ? { id: { $ne: except.ruleId } } : {}) }, { fields: ['keywords'] });
  const flows = await em.execute<{ definition: FlowDefinition }[]>(
    `select v.definition from flow_versions v join flows f on f.id = v.flow_id and f.published_version = v.version
      where f.workspace_id = ? and f.deleted_at is null and f.id <> ? and v.trigger_on = 'keyword'`,
    [workspaceId, except.flowId ?? '00000000-0000-0000-0000-000000000000'],
  );
  return regexSteps(rules.flatMap((rule) => rule.keywords)) + regexSteps(flows.flatMap((flow) => triggerRegexes(flow.definition)));
}
