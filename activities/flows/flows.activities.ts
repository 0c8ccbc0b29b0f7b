import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityContext } from '../context';
import { execute } from '../../schema/orm';
import { NOTIFY, eventPayload, publish } from '../events';
import type { FlowDefinition } from '../../workflows/flows/definition';
import type { TemplateScope } from '../../workflows/flows/variables';
import type { FlowRunStatus } from '../../schema/entities/flow-run.entity';
import { callWebhook, type WebhookResult } from './webhook-call';
import { startLabelFlows } from './start-label-flows';
import { startScheduledFlows } from './start-scheduled-flows';
import { activeFlowRunOf } from '../conversation-context';
import type { WebhookRequest } from '../../workflows/flows/flow-graph';

export type FlowActivities = ReturnType<typeof createFlowActivities>;

/** What a run starts with: the version's graph (snapshotted: republishing never changes it), the contact and its labels. */
export interface FlowRunStart {
  version: number;
  definition: FlowDefinition;
  contact: TemplateScope['contact'];
  labels: string[];
}

/** One step of a run: where it is now, and the funnel counts the step moves (each node id at most once). */
export interface FlowStep {
  workspaceId: string;
  flowId: string;
  flowRunId: string;
  /** 1, 2, … per run: a step is written once, however often its activity runs. */
  step: number;
  status: FlowRunStatus;
  currentNodeId: string | null;
  variables: Record<string, unknown>;
  entered?: string | null;
  completed?: string | null;
  dropped?: string | null;
  error?: string | null;
}

/**
 * Postgres and outside calls of flow runs (issue 11). startFlowRun and recordFlowStep run as local
 * activities of the conversation and flow-run workflows; callFlowWebhook as a normal activity, so
 * its retries (the node's `retries`, with backoff) are Temporal's.
 */
export function createFlowActivities(ctx: ActivityContext) {
  return {
    /**
     * Records a run of the flow's live version in the conversation (RUNNING) and returns what it
     * starts with. Null when the flow is not live (deleted, unpublished) or the conversation has
     * another active run (flow_runs_one_active). Idempotent on the run id: a retry returns the
     * version it recorded; a request for a run that has already ended (a scheduled firing's retry) is null.
     */
    async startFlowRun(input: { workspaceId: string; conversationId: string; flowId: string; flowRunId: string }): Promise<FlowRunStart | null> {
      const em = ctx.orm.em.fork();
      const [row] = await execute<{ version: number; inserted: boolean }[]>(
        ctx.orm,
        `with flow as (
           select f.id, f.published_version from flows f
            where f.id = ? and f.workspace_id = ? and f.deleted_at is null and f.published_version is not null
         ), inserted as (
           insert into flow_runs (id, workspace_id, flow_id, version, conversation_id, status, variables)
             select ?, ?, flow.id, flow.published_version, c.id, 'RUNNING', '{}'::jsonb
               from flow join conversations c on c.id = ? and c.workspace_id = ?
             on conflict do nothing
             returning version, flow_id
         ), notified as (
           select ${NOTIFY} from inserted
         )
         select version, true as inserted from inserted, notified
         union all
         select version, false from flow_runs where id = ? and workspace_id = ? and status in ('RUNNING', 'WAITING')`,
        [
          input.flowId, input.workspaceId, input.flowRunId, input.workspaceId, input.conversationId, input.workspaceId,
          eventPayload({ type: 'flowRunUpdated', workspaceId: input.workspaceId, flowId: input.flowId, flowRunId: input.flowRunId }),
          input.flowRunId, input.workspaceId,
        ],
      );
      if (!row) return null;
      const [version] = await execute<{ definition: FlowDefinition }[]>(ctx.orm, 'select definition from flow_versions where flow_id = ? and version = ? and workspace_id = ?', [
        input.flowId, row.version, input.workspaceId,
      ]);
      const [contact] = await execute<{ name: string | null; phone: string; fields: Record<string, unknown>; labels: string[] }[]>(
        ctx.orm,
        `select ct.name, ct.phone, ct.fields,
                coalesce((select array_agg(l.name order by l.name) from contact_labels cl join labels l on l.id = cl.label_id where cl.contact_id = ct.id), '{}') as labels
           from conversations c join contacts ct on ct.id = c.contact_id where c.id = ? and c.workspace_id = ?`,
        [input.conversationId, input.workspaceId],
      );
      return { version: row.version, definition: version.definition, contact: { name: contact.name, phone: contact.phone, fields: contact.fields }, labels: contact.labels };
    },

    /**
     * Writes a step: the run's status, node, variables (and why it failed), and the funnel counts,
     * only if the row has not recorded this step yet (a local activity that runs again after a
     * crash changes nothing), and never after the run ended (a cancel from the API wrote it first).
     */
    async recordFlowStep(step: FlowStep): Promise<{ applied: boolean }> {
      return ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const final = step.status !== 'RUNNING' && step.status !== 'WAITING';
        const moved = await em.execute<{ id: string }[]>(
          `update flow_runs set steps = ?, status = ?, current_node_id = ?, variables = ?::jsonb, error = ?, ended_at = case when ? then now() end
            where id = ? and workspace_id = ? and steps < ? and status in ('RUNNING', 'WAITING') returning id`,
          [step.step, step.status, step.currentNodeId, JSON.stringify(step.variables), step.error ?? null, final, step.flowRunId, step.workspaceId, step.step],
        );
        if (moved.length === 0) return { applied: false };
        const counts = new Map<string, { entered: number; completed: number; dropped: number }>();
        const count = (nodeId: string | null | undefined, key: 'entered' | 'completed' | 'dropped') => {
          if (!nodeId) return;
          const entry = counts.get(nodeId) ?? { entered: 0, completed: 0, dropped: 0 };
          entry[key] = 1;
          counts.set(nodeId, entry);
        };
        count(step.entered, 'entered');
        count(step.completed, 'completed');
        count(step.dropped, 'dropped');
        for (const [nodeId, c] of counts) {
          await em.execute(
            `insert into flow_node_stats (flow_id, node_id, workspace_id, entered, completed, dropped) values (?, ?, ?, ?, ?, ?)
               on conflict (flow_id, node_id) do update set entered = flow_node_stats.entered + excluded.entered,
                 completed = flow_node_stats.completed + excluded.completed, dropped = flow_node_stats.dropped + excluded.dropped`,
            [step.flowId, nodeId, step.workspaceId, c.entered, c.completed, c.dropped],
          );
        }
        // The runs list refreshes on a status change, not on every node a run passes.
        if (step.status !== 'RUNNING' || step.step === 1) await publish(em, { type: 'flowRunUpdated', workspaceId: step.workspaceId, flowId: step.flowId, flowRunId: step.flowRunId });
        return { applied: true };
      });
    },

    /**
     * A tag node: adds and removes the contact's labels by name (a label that does not exist yet is
     * created, grey). Idempotent. Returns the contact's labels after it.
     */
    async applyFlowTags(input: { workspaceId: string; conversationId: string; add: string[]; remove: string[] }): Promise<{ labels: string[] }> {
      const { labels, added } = await ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        const [conversation] = await em.execute<{ contact_id: string }[]>('select contact_id from conversations where id = ? and workspace_id = ?', [input.conversationId, input.workspaceId]);
        const add = clean(input.add);
        const remove = clean(input.remove);
        let added: { contact_id: string; label_id: string }[] = [];
        if (add.length > 0) {
          await em.execute(
            `insert into labels (id, workspace_id, name, color) select gen_random_uuid(), ?, n, '#9ca3af' from unnest(?::text[]) n
               on conflict (workspace_id, lower(name)) do nothing`,
            [input.workspaceId, pgArray(add)],
          );
          added = await em.execute<{ contact_id: string; label_id: string }[]>(
            `insert into contact_labels (contact_id, label_id, workspace_id)
               select ?, l.id, ? from labels l where l.workspace_id = ? and lower(l.name) = any(?::text[]) on conflict do nothing
               returning contact_id, label_id`,
            [conversation.contact_id, input.workspaceId, input.workspaceId, pgArray(add.map((n) => n.toLowerCase()))],
          );
        }
        if (remove.length > 0) {
          await em.execute(
            `delete from contact_labels cl using labels l where cl.label_id = l.id and cl.contact_id = ? and cl.workspace_id = ? and lower(l.name) = any(?::text[])`,
            [conversation.contact_id, input.workspaceId, pgArray(remove.map((n) => n.toLowerCase()))],
          );
        }
        const rows = await em.execute<{ name: string }[]>(
          'select l.name from contact_labels cl join labels l on l.id = cl.label_id where cl.contact_id = ? order by l.name',
          [conversation.contact_id],
        );
        await publish(em, { type: 'conversationUpdated', workspaceId: input.workspaceId, conversationId: input.conversationId });
        return { labels: rows.map((r) => r.name), added };
      });
      // A label flow for the contact starts in their most recent conversation, unless that is this one: it runs the flow that tags.
      await startLabelFlows(ctx, input.workspaceId, added.map((row) => ({ contactId: row.contact_id, labelId: row.label_id })), { exceptConversationId: input.conversationId });
      return { labels };
    },

    /**
     * The conversation's run in progress, as Postgres has it: a conversation that continued as new
     * while its run went on hears of the run's end from no one (flow-run.workflow.ts), so it asks
     * here before a run it still holds would keep a new one from starting.
     */
    async activeFlowRun(input: { workspaceId: string; conversationId: string }): Promise<{ flowRunId: string; waiting: boolean } | null> {
      return activeFlowRunOf(ctx.orm.em.fork() as EntityManager, input.workspaceId, input.conversationId);
    },

    /** A `schedule` trigger's firing (flowScheduleWorkflow): a start request to each contact of its audience (start-scheduled-flows.ts). */
    async startScheduledFlowRuns(input: { workspaceId: string; flowId: string; firingId: string }): Promise<{ requested: number }> {
      return startScheduledFlows(ctx, input);
    },

    /** A webhook node's call, one attempt (the retries are the activity's): bounded in time and size, public addresses only. */
    async callFlowWebhook(input: { workspaceId: string; flowRunId: string; request: WebhookRequest }): Promise<WebhookResult> {
      return callWebhook(input.request, { allowPrivate: ctx.config.knowledge.allowPrivateUrls, flowRunId: input.flowRunId });
    },
  };
}

function clean(names: string[]): string[] {
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))].slice(0, 50);
}

/** A Postgres array literal (`{"a","b"}`): one bound parameter, whatever the names hold. */
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
