import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, MANAGERS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { Flow, FLOW_STATUSES } from '../../../schema/entities/flow.entity';
import { FlowVersion } from '../../../schema/entities/flow-version.entity';
import { ACTIVE_FLOW_RUN_STATUSES, FlowRun, FLOW_RUN_STATUSES } from '../../../schema/entities/flow-run.entity';
import { FlowNodeStat } from '../../../schema/entities/flow-node-stat.entity';
import { FLOW_NODE_TYPES, type AiData, type FlowDefinition, type FlowNodeType, type FlowProblem, type TriggerData } from '../../../workflows/flows/definition';
import { validateFlow } from '../../../workflows/flows/validate';
import { flowRunWorkflowId } from '../../../workflows/ids';
import { Conversation } from '../../../schema/entities/conversation.entity';
import { cancelFlowRunWorkflow, conversationRef, requestFlowRun } from '../../../workflows/conversation.client';
import { MAX_WORKSPACE_REGEX_STEPS, regexSteps, triggerRegexes, workspaceRegexSteps } from '../regex-budget';
import { FLOW_TEMPLATES, flowTemplate, type FlowTemplate } from '../../../workflows/flows/templates';
import { deleteFlowSchedule, syncFlowSchedule, type FlowScheduleDeps } from '../../../workflows/flow-schedule.client';
import { BotSettings } from '../../../schema/entities/bot-settings.entity';
import { botSettingsValues } from '../../../schema/bot-settings-defaults';

/** The most nodes a flow may have: a canvas bigger than this is several flows. */
export const MAX_FLOW_NODES = 500;
export const MAX_FLOW_EDGES = 2000;
/** A definition's JSON may take up to this many bytes (UTF-8). */
export const MAX_FLOW_DEFINITION_BYTES = 256 * 1024;

export const FlowStatusEnum = builder.enumType('FlowStatus', { values: FLOW_STATUSES });
export const FlowRunStatusEnum = builder.enumType('FlowRunStatus', { values: FLOW_RUN_STATUSES });

const ProblemType = builder.objectRef<FlowProblem>('FlowProblem').implement({
  description: 'Why a flow cannot be published, on the node (or edge) it belongs to; nodeId null: the flow as a whole.',
  fields: (t) => ({
    nodeId: t.exposeString('nodeId', { nullable: true }),
    message: t.exposeString('message'),
  }),
});

/** A flow (the Flow entity): its draft and which published version is live. */
export const FlowType = builder.objectRef<Flow>('Flow').implement({
  description: 'A visual flow: the draft being edited, and the published version conversations start.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    status: t.field({ type: FlowStatusEnum, resolve: (f) => f.status }),
    publishedVersion: t.exposeInt('publishedVersion', { nullable: true, description: 'The live version; null: never published.' }),
    draft: t.field({ type: 'JSON', description: 'The definition being edited: `{nodes, edges}` (issue 11 format).', resolve: (f) => f.draft }),
    priority: t.exposeInt('priority', { description: 'Between flows whose triggers match one message, the higher priority starts.' }),
    triggerSummary: t.string({ nullable: true, description: 'What starts the draft, in words ("keyword: book, booking"); null: no trigger yet.', resolve: (f) => triggerSummary(f.draft) }),
    problems: t.field({ type: [ProblemType], description: "The draft's validation problems, as publishFlow would report them.", resolve: (f) => validateFlow(f.draft) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

/** A run of a flow (the FlowRun entity); its live state is the workflow `flow-run:<id>`. */
export const FlowRunType = builder.objectRef<FlowRun>('FlowRun').implement({
  description: 'One run of a flow version in a conversation; its live state is the workflow `flow-run:<id>`.',
  fields: (t) => ({
    id: t.exposeID('id'),
    flowId: t.exposeID('flowId'),
    conversationId: t.exposeID('conversationId'),
    status: t.field({ type: FlowRunStatusEnum, resolve: (r) => r.status }),
    version: t.exposeInt('version', { description: 'The published version the run started with and keeps.' }),
    currentNodeId: t.exposeString('currentNodeId', { nullable: true }),
    variables: t.field({ type: 'JSON', resolve: (r) => r.variables }),
    error: t.exposeString('error', { nullable: true, description: 'Why a FAILED run failed.' }),
    temporalUrl: t.string({
      description: "The run's workflow in the Temporal Web UI; only owners and admins get it (null for agents and viewers).",
      nullable: true,
      resolve: (r, _args, ctx) =>
        !MANAGERS.includes(requireAuth(ctx).role)
          ? null
          : `${ctx.config.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(flowRunWorkflowId(r.id))}`,
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
  }),
});

interface NodeStatView {
  nodeId: string;
  entered: number;
  completed: number;
  dropped: number;
}

const NodeStatType = builder.objectRef<NodeStatView>('FlowNodeStat').implement({
  description: "A node's funnel across the flow's versions: runs that entered it, went on from it, and stopped there.",
  fields: (t) => ({
    nodeId: t.exposeString('nodeId'),
    entered: t.exposeInt('entered'),
    completed: t.exposeInt('completed'),
    dropped: t.exposeInt('dropped'),
  }),
});

interface PublishResult {
  version: number | null;
  problems: FlowProblem[];
  flow: Flow;
}

const PublishResultType = builder.objectRef<PublishResult>('PublishFlowResult').implement({
  description: 'With problems: nothing was published and `version` is the one still live (null: none). Without: `version` is the new live one.',
  fields: (t) => ({
    version: t.exposeInt('version', { nullable: true }),
    problems: t.field({ type: [ProblemType], resolve: (r) => r.problems }),
    flow: t.field({ type: FlowType, resolve: (r) => r.flow }),
  }),
});

const FlowTemplateType = builder.objectRef<FlowTemplate>('FlowTemplate').implement({
  description: 'A ready-made flow (workflows/flows/templates): importFlowTemplate makes a draft of it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    definition: t.field({ type: 'JSON', resolve: (template) => template.definition }),
  }),
});

const CreateFlowInput = builder.inputType('CreateFlowInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    definition: t.field({ type: 'JSON', required: true, description: '`{nodes, edges}`; at most 500 nodes and 256 KB.' }),
    priority: t.int({ defaultValue: 0 }),
  }),
});

const nodeTypes = FLOW_NODE_TYPES as [FlowNodeType, ...FlowNodeType[]];
const elementId = z.string().trim().min(1, 'must not be empty').max(100, 'is longer than 100 characters');
const definitionShape = z.object({
  nodes: z
    .array(
      z.object({
        id: elementId,
        type: z.enum(nodeTypes),
        data: z.record(z.string(), z.unknown()).default({}),
        position: z.object({ x: z.number().finite(), y: z.number().finite() }).default({ x: 0, y: 0 }),
      }),
    )
    .max(MAX_FLOW_NODES, `a flow has at most ${MAX_FLOW_NODES} nodes`),
  edges: z
    .array(z.object({ id: elementId, source: elementId, target: elementId, sourceHandle: z.string().max(100).nullish() }))
    .max(MAX_FLOW_EDGES, `a flow has at most ${MAX_FLOW_EDGES} edges`),
});
/**
 * The definition's shape (node types, ids, positions) and size; what each node needs is
 * validateFlow's, at publish, so a half-built draft saves.
 */
export const definitionSchema = z
  .unknown()
  .refine((value) => Buffer.byteLength(JSON.stringify(value) ?? '') <= MAX_FLOW_DEFINITION_BYTES, `is larger than ${MAX_FLOW_DEFINITION_BYTES / 1024} KB`)
  .pipe(definitionShape)
  .transform((value) => value as unknown as FlowDefinition);
const name = z.string().trim().min(1, 'is required').max(200, 'is longer than 200 characters');
const priority = z.number().int().min(-1000, 'must be at least -1000').max(1000, 'must be at most 1000');
const uuid = z.string().uuid('is not a valid id');
const createSchema = z.object({ name, definition: definitionSchema, priority: priority.nullish() });
const updateSchema = z.object({ definition: definitionSchema.nullish(), name: name.nullish(), priority: priority.nullish() });
const runsSchema = z.object({ flowId: uuid, status: z.enum(FLOW_RUN_STATUSES).nullish(), first: z.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200') });

/** A live (not deleted) flow of the workspace by its id, or NOT_FOUND. */
async function findFlow(em: EntityManager, workspaceId: string, id: string, lock = false): Promise<Flow> {
  const flow = uuid.safeParse(id).success
    ? await em.findOne(Flow, { id, workspaceId, deletedAt: null }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {})
    : null;
  if (!flow) throw notFound('flow');
  return flow;
}

/** A new DRAFT flow: what createFlow, importFlow and importFlowTemplate write. */
export async function insertFlow(em: EntityManager, workspaceId: string, input: { name: string; definition: FlowDefinition; priority?: number | null }): Promise<Flow> {
  const flow = em.create(Flow, { id: randomUUID(), workspaceId, name: input.name, status: 'DRAFT', draft: input.definition, priority: input.priority ?? 0 });
  await em.flush();
  return flow;
}

/**
 * Publishes the draft if it has no problems: a new flow_versions row (the draft as it is now) becomes
 * live, in one transaction with the flow locked, so two publishes get versions n and n+1. With
 * problems nothing changes and the previous version stays live. A `schedule` trigger gets its
 * Temporal Schedule (flow-schedule.client.ts); a version with another trigger removes it.
 */
export async function publishFlow(em: EntityManager, schedules: FlowScheduleDeps, workspaceId: string, id: string): Promise<PublishResult> {
  return em.transactional(async (tx) => {
    const flow = await findFlow(tx, workspaceId, id, true);
    const problems = validateFlow(flow.draft);
    if (problems.length === 0) {
      const budget = await regexBudgetProblem(tx, workspaceId, flow);
      if (budget) problems.push(budget);
      problems.push(...(await knowledgeBaseProblems(tx, workspaceId, flow.draft)));
    }
    if (problems.length > 0) return { version: flow.publishedVersion ?? null, problems, flow };
    const latest = await tx.findOne(FlowVersion, { flowId: flow.id }, { orderBy: { version: 'desc' }, fields: ['version'] });
    const version = (latest?.version ?? 0) + 1;
    const trigger = flow.draft.nodes.find((node) => node.type === 'trigger')!.data as TriggerData;
    tx.create(FlowVersion, { id: randomUUID(), workspaceId, flowId: flow.id, version, definition: flow.draft, triggerOn: trigger.on });
    flow.publishedVersion = version;
    flow.status = 'PUBLISHED';
    await tx.flush();
    // Inside the transaction: a schedule Temporal did not take fails the publish, and the previous version stays live.
    const { timeZone } = botSettingsValues(await tx.findOne(BotSettings, { workspaceId }));
    await syncFlowSchedule(schedules, { workspaceId, flowId: flow.id, version, trigger, timeZone });
    return { version, problems: [], flow };
  });
}

/** A REGEX keyword trigger runs on every inbound message, as REGEX keyword rules do: together they keep to the workspace's budget. */
async function regexBudgetProblem(em: EntityManager, workspaceId: string, flow: Flow): Promise<FlowProblem | null> {
  const own = triggerRegexes(flow.draft);
  if (own.length === 0) return null;
  const steps = regexSteps(own) + (await workspaceRegexSteps(em, workspaceId, { flowId: flow.id }));
  if (steps <= MAX_WORKSPACE_REGEX_STEPS) return null;
  const trigger = flow.draft.nodes.find((node) => node.type === 'trigger')!;
  return { nodeId: trigger.id, message: `the workspace's regular expressions (keyword rules and live flow triggers) would take ${steps} steps per message together, at most ${MAX_WORKSPACE_REGEX_STEPS}: simplify or remove some` };
}

/** An AI node answers from one knowledge base of the workspace: one that does not exist (or is another workspace's) is a problem on the node. */
async function knowledgeBaseProblems(em: EntityManager, workspaceId: string, def: FlowDefinition): Promise<FlowProblem[]> {
  const wanted = def.nodes.flatMap((node) => {
    const id = node.type === 'ai' ? (node.data as AiData).knowledgeBaseId : undefined;
    return typeof id === 'string' && id ? [{ nodeId: node.id, id }] : [];
  });
  if (wanted.length === 0) return [];
  const valid = wanted.filter((w) => uuid.safeParse(w.id).success).map((w) => w.id);
  const rows = valid.length ? await em.execute<{ id: string }[]>('select id from knowledge_bases where workspace_id = ? and id = any(?::uuid[])', [workspaceId, `{${valid.join(',')}}`]) : [];
  const found = new Set(rows.map((row) => row.id));
  return wanted.filter((w) => !found.has(w.id)).map((w) => ({ nodeId: w.nodeId, message: 'knowledgeBaseId: no such knowledge base in this workspace' }));
}

/** The draft's trigger in words, for the flows list. */
export function triggerSummary(def: FlowDefinition): string | null {
  const trigger = def.nodes.find((node) => node.type === 'trigger');
  if (!trigger) return null;
  const data = trigger.data as Partial<TriggerData>;
  switch (data.on) {
    case 'first_message':
      return 'first message';
    case 'keyword':
      return `keyword: ${(data.keywords ?? []).join(', ')}`;
    case 'label_added':
      return `label added: ${data.label ?? ''}`;
    case 'media':
      return 'media received';
    case 'api':
      return 'started by the API';
    case 'schedule':
      return `schedule: ${data.cron ?? ''}`;
    default:
      return null;
  }
}

builder.queryField('flows', (t) =>
  t.field({
    type: [FlowType],
    description: "The workspace's flows, highest priority first.",
    resolve: (_root, _args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      return ctx.orm.em.fork().find(Flow, { workspaceId, deletedAt: null }, { orderBy: { priority: 'desc', createdAt: 'asc', id: 'asc' } });
    },
  }),
);

builder.queryField('flow', (t) =>
  t.field({
    type: FlowType,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => findFlow(ctx.orm.em.fork(), requireAuth(ctx).workspaceId, String(args.id)),
  }),
);

builder.mutationField('createFlow', (t) =>
  t.field({
    type: FlowType,
    description: 'A new DRAFT flow; nothing runs until it is published.',
    args: { input: t.arg({ type: CreateFlowInput, required: true }) },
    resolve: (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      return insertFlow(ctx.orm.em.fork(), workspaceId, validate(createSchema, args.input));
    },
  }),
);

builder.mutationField('updateFlow', (t) =>
  t.field({
    type: FlowType,
    description: 'Saves the draft (and the name or priority, when given); the live version changes only with publishFlow, except the priority, which applies at once.',
    args: { id: t.arg.id({ required: true }), definition: t.arg({ type: 'JSON' }), name: t.arg.string(), priority: t.arg.int() },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(updateSchema, { definition: args.definition, name: args.name, priority: args.priority });
      const em = ctx.orm.em.fork();
      const flow = await findFlow(em, workspaceId, String(args.id));
      if (input.definition) flow.draft = input.definition;
      if (input.name) flow.name = input.name;
      if (input.priority !== null && input.priority !== undefined) flow.priority = input.priority;
      await em.flush();
      return flow;
    },
  }),
);

builder.mutationField('publishFlow', (t) =>
  t.field({
    type: PublishResultType,
    description: 'Validates the draft; without problems it becomes the next live version (conversations start it from their next message), with problems nothing changes.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => publishFlow(ctx.orm.em.fork(), { temporal: ctx.temporal, taskQueue: ctx.config.taskQueue }, requireAuth(ctx, MANAGERS).workspaceId, String(args.id)),
  }),
);

builder.mutationField('deleteFlow', (t) =>
  t.field({
    type: 'Boolean',
    description: "Removes a flow (true): no new runs start (its schedule, if it had one, is deleted); its runs and funnel stay recorded. Another workspace's id is NOT_FOUND.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const id = String(args.id);
      const deleted = uuid.safeParse(id).success ? await ctx.orm.em.fork().nativeUpdate(Flow, { id, workspaceId, deletedAt: null }, { deletedAt: new Date() }) : 0;
      if (!deleted) throw notFound('flow');
      await deleteFlowSchedule(ctx.temporal, id);
      return true;
    },
  }),
);

builder.queryField('exportFlow', (t) =>
  t.field({
    type: 'JSON',
    description: "The flow's draft definition, `{nodes, edges}`, as importFlow takes it.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => (await findFlow(ctx.orm.em.fork(), requireAuth(ctx).workspaceId, String(args.id))).draft,
  }),
);

builder.mutationField('importFlow', (t) =>
  t.field({
    type: FlowType,
    description: 'A new DRAFT flow from an exported definition.',
    args: { name: t.arg.string({ required: true }), definition: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      return insertFlow(ctx.orm.em.fork(), workspaceId, validate(createSchema, { name: args.name, definition: args.definition }));
    },
  }),
);

builder.queryField('flowStats', (t) =>
  t.field({
    type: [NodeStatType],
    description: "The flow's funnel: a row per node any run has entered.",
    args: { flowId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const em = ctx.orm.em.fork();
      const flow = await findFlow(em, workspaceId, String(args.flowId));
      return em.find(FlowNodeStat, { flowId: flow.id, workspaceId }, { orderBy: { nodeId: 'asc' } });
    },
  }),
);

builder.queryField('flowRuns', (t) =>
  t.field({
    type: [FlowRunType],
    description: "The flow's runs, newest first; `status` keeps only runs in it.",
    args: { flowId: t.arg.id({ required: true }), status: t.arg({ type: FlowRunStatusEnum }), first: t.arg.int({ defaultValue: 50 }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const input = validate(runsSchema, { flowId: String(args.flowId), status: args.status, first: args.first ?? 50 });
      const em = ctx.orm.em.fork();
      const flow = await findFlow(em, workspaceId, input.flowId);
      return em.find(FlowRun, { flowId: flow.id, workspaceId, ...(input.status ? { status: input.status } : {}) }, { orderBy: { startedAt: 'desc', id: 'desc' }, limit: input.first });
    },
  }),
);

builder.queryField('flowTemplates', (t) =>
  t.field({
    type: [FlowTemplateType],
    description: 'The ready-made flows: booking assistant, order tracking, FAQ bot, lead qualification.',
    resolve: (_root, _args, ctx) => {
      requireAuth(ctx);
      return FLOW_TEMPLATES;
    },
  }),
);

builder.mutationField('importFlowTemplate', (t) =>
  t.field({
    type: FlowType,
    description: "A new DRAFT flow from a template, named after it unless `name` is given.",
    args: { templateId: t.arg.id({ required: true }), name: t.arg.string() },
    resolve: (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const template = flowTemplate(String(args.templateId));
      if (!template) throw notFound('flow template');
      const input = validate(createSchema, { name: args.name ?? template.name, definition: structuredClone(template.definition) });
      return insertFlow(ctx.orm.em.fork(), workspaceId, input);
    },
  }),
);

const startSchema = z.object({ flowId: uuid, conversationId: uuid });

builder.mutationField('startFlow', (t) =>
  t.field({
    type: FlowRunType,
    description:
      "OWNER / ADMIN / AGENT: starts the flow's live version in a conversation (any trigger: an `api` trigger is meant for this). " +
      'The run is recorded by the conversation as it starts; a conversation runs one flow at a time.',
    args: { flowId: t.arg.id({ required: true }), conversationId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const input = validate(startSchema, { flowId: String(args.flowId), conversationId: String(args.conversationId) });
      const em = ctx.orm.em.fork();
      const flow = await findFlow(em, workspaceId, input.flowId);
      if (flow.publishedVersion === null || flow.publishedVersion === undefined) throw badInput('flowId: the flow is not published', 'flowId');
      const conversation = await em.findOne(Conversation, { id: input.conversationId, workspaceId }, { populate: ['contact', 'channel'] });
      if (!conversation) throw notFound('conversation');
      const active = await em.findOne(FlowRun, { conversationId: conversation.id, workspaceId, status: { $in: [...ACTIVE_FLOW_RUN_STATUSES] } }, { fields: ['id'] });
      if (active) throw badInput(`conversationId: the conversation already runs a flow (run ${active.id}); cancel it first`, 'conversationId');
      const flowRunId = randomUUID();
      await requestFlowRun({ temporal: ctx.temporal, taskQueue: ctx.config.taskQueue }, conversationRef(conversation), flow.id, flowRunId);
      // What the conversation records as it starts the run (its row appears a moment later, under this id).
      const run: FlowRun = {
        id: flowRunId, workspaceId, flowId: flow.id, version: flow.publishedVersion, conversationId: conversation.id, status: 'RUNNING',
        currentNodeId: null, variables: {}, error: null, steps: 0, startedAt: new Date(), endedAt: null,
      } as FlowRun;
      return run;
    },
  }),
);

builder.mutationField('cancelFlowRun', (t) =>
  t.field({
    type: FlowRunType,
    description: 'OWNER / ADMIN / AGENT: ends a RUNNING or WAITING run (CANCELLED; its node counts as dropped). A run that already ended is returned as it is.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, AGENTS);
      const id = validate(z.object({ id: uuid }), { id: String(args.id) }).id;
      const em = ctx.orm.em.fork();
      const run = await em.findOne(FlowRun, { id, workspaceId });
      if (!run) throw notFound('flow run');
      if (run.status !== 'RUNNING' && run.status !== 'WAITING') return run;
      const signalled = await cancelFlowRunWorkflow(ctx.temporal, id, 'cancelled from the API');
      // No workflow to tell (it never started, or was terminated): the row ends here, as the run would have ended it.
      if (!signalled) await em.nativeUpdate(FlowRun, { id, workspaceId, status: { $in: [...ACTIVE_FLOW_RUN_STATUSES] } }, { status: 'CANCELLED', endedAt: new Date(), error: 'cancelled from the API' });
      // The run writes CANCELLED in its next task; answer once it has (bounded: a busy worker may take a moment).
      for (let i = 0; i < 50; i++) {
        const now = await ctx.orm.em.fork().findOne(FlowRun, { id, workspaceId });
        if (now && now.status !== 'RUNNING' && now.status !== 'WAITING') return now;
        await new Promise((r) => setTimeout(r, 100));
      }
      return (await ctx.orm.em.fork().findOne(FlowRun, { id, workspaceId }))!;
    },
  }),
);
