import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Flow } from './flow.entity';
import { Conversation } from './conversation.entity';

export const FLOW_RUN_STATUSES = ['RUNNING', 'WAITING', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
/** RUNNING: stepping; WAITING: on a question or a delay; the rest are final. */
export type FlowRunStatus = (typeof FLOW_RUN_STATUSES)[number];
/** A conversation has at most one run in these (flow_runs_one_active). */
export const ACTIVE_FLOW_RUN_STATUSES = ['RUNNING', 'WAITING'] as const satisfies readonly FlowRunStatus[];

/** One run of a flow version in a conversation; its live state is the workflow `flow-run:<id>`. */
export const FlowRun = defineEntity({
  name: 'FlowRun',
  tableName: 'flow_runs',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    flowId: p.manyToOne(Flow).mapToPk().fieldName('flow_id').deleteRule('cascade'),
    /** The flow_versions.version the run started with and keeps. */
    version: p.integer(),
    conversationId: p.manyToOne(Conversation).mapToPk().fieldName('conversation_id').deleteRule('cascade'),
    status: p.enum(FLOW_RUN_STATUSES).default('RUNNING'),
    currentNodeId: p.text().nullable(),
    variables: p.json<Record<string, unknown>>(),
    /** Why a FAILED run failed. */
    error: p.text().nullable(),
    /** Steps of the run recorded so far: a step's write applies once (a retried one finds it done). */
    steps: p.integer().default(0),
    startedAt: p.datetime().defaultRaw('now()'),
    endedAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'flow_runs_one_active',
      expression: `create unique index flow_runs_one_active on flow_runs (conversation_id) where status in ('RUNNING', 'WAITING')`,
    },
  ],
  indexes: [
    {
      name: 'flow_runs_flow',
      expression: 'create index flow_runs_flow on flow_runs (flow_id, started_at desc)',
    },
  ],
});
export type FlowRun = InferEntity<typeof FlowRun>;
