/**
 * What one operation may cost: GraphQL Armor's limits on tokens, aliases, depth, directives and
 * cost, and a budget of list rows across the whole operation (every `first` / `last` page size
 * multiplied by the pages around it), so `conversations(first: 100) { … messages(last: 1000) }`
 * under 400 aliases is refused before it runs. A refusal is QUERY_TOO_COMPLEX naming its limit.
 */
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { queryTooComplex } from './errors';

/** The limits of one operation; the dashboard's largest documents use a fraction of each. */
const QUERY_LIMITS = {
  tokens: 2000,
  aliases: 15,
  depth: 8,
  directives: 20,
  // Armor's static estimate, fragments counted as if written inline (as depth is): the open thread (a conversation
  // with 200 messages, each with its media, quoted message and reactions) is about 25,000.
  cost: 30000,
  /** Rows every list in the operation may return together (a page of 100 conversations × 50 messages is 5,100). */
  listRows: 5000,
} as const;

/** Arguments that size a list; a field with one returns up to that many items. */
const PAGE_ARGUMENTS = ['first', 'last'];

/** The query-limit plugins for Yoga; `hideSuggestions` also strips "Did you mean …?" from errors (production). */
export function queryLimitPlugins(options: { hideSuggestions: boolean }): Plugin[] {
  const reject = (limit: string) => [
    (_ctx: unknown, error: GraphQLError) => {
      throw queryTooComplex(limit, `query too complex: ${error.message.replace(/^Syntax Error: /, '')}`);
    },
  ];
  const plugins: Plugin[] = [
    maxTokensPlugin({ n: QUERY_LIMITS.tokens, onReject: reject('tokens') }),
    maxAliasesPlugin({ n: QUERY_LIMITS.aliases, onReject: reject('aliases') }),
    maxDepthPlugin({ n: QUERY_LIMITS.depth, flattenFragments: true, onReject: reject('depth') }),
    maxDirectivesPlugin({ n: QUERY_LIMITS.directives, onReject: reject('directives') }),
    costLimitPlugin({ maxCost: QUERY_LIMITS.cost, flattenFragments: true, onReject: reject('cost') }),
    listRowsPlugin(QUERY_LIMITS.listRows),
  ] as Plugin[];
  if (options.hideSuggestions) plugins.push(blockFieldSuggestionsPlugin() as Plugin);
  return plugins;
}

/** Refuses an operation whose lists could return more than `budget` rows in total; variables are known here, unlike in validation. */
function listRowsPlugin(budget: number): Plugin {
  const check = ({ args, setResultAndStopExecution }: { args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null }; setResultAndStopExecution: (r: never) => void }) => {
    const rows = listRows(args.schema, args.document, args.operationName ?? undefined, args.variableValues ?? {}, budget);
    if (rows > budget) {
      setResultAndStopExecution({
        errors: [queryTooComplex('listRows', `query too complex: its lists could return ${rows > budget * 10 ? `over ${budget * 10}` : rows} rows, more than the ${budget} one operation may; ask for smaller pages`)],
      } as never);
    }
  };
  return { onExecute: check, onSubscribe: check } as Plugin;
}

/** The most rows the operation's lists can return (stops counting past 10 × budget). */
export function listRows(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>, budget: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const cap = budget * 10;
  let total = 0;

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, path: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (total > cap) return;
      if (selection.kind === Kind.FIELD) {
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const page = pageSize(field, selection.arguments ?? [], variables);
        const rows = multiplier * (page ?? 1);
        if (page !== undefined) total += rows;
        const type = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, rows, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, multiplier, path);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        // A fragment that spreads itself is invalid anyway; validation names it.
        if (!fragment || !type || !isCompositeType(type) || path.has(name)) continue;
        walk(fragment.selectionSet, type, multiplier, new Set([...path, name]));
      }
    }
  };
  walk(operation.selectionSet, root, 1, new Set());
  return total;
}

function pageSize(field: GraphQLField<unknown, unknown>, args: readonly { name: { value: string }; value: Parameters<typeof valueFromASTUntyped>[0] }[], variables: Record<string, unknown>): number | undefined {
  let size: number | undefined;
  for (const name of PAGE_ARGUMENTS) {
    const definition = field.args.find((a) => a.name === name);
    if (!definition) continue;
    const given = args.find((a) => a.name.value === name);
    // An absent or null size means the field's default page, which its resolver applies too.
    const value = (given && valueFromASTUntyped(given.value, variables)) ?? definition.defaultValue;
    const n = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 1;
    size = Math.max(size ?? 0, n);
  }
  return size;
}
