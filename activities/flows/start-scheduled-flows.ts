import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { execute } from '../../schema/orm';
import { requestFlowRun, type ConversationRef } from '../../workflows/conversation.client';
import type { TriggerData } from '../../workflows/flows/definition';
import type { LabelFlowDeps } from './start-label-flows';

/** Contacts asked per page (one query, then their requests a few at a time). */
const PAGE = 200;
const REQUESTS_AT_ONCE = 20;

/**
 * One firing of a `schedule` trigger. The audience (the issue leaves it open): the contacts with
 * the trigger's `label` when it names one, else every contact of the workspace; never a blocked or
 * opted-out contact (a scheduled flow writes first, as a broadcast does), and only contacts with a
 * conversation, each in their most recent one (the channel they last spoke on). Each gets the
 * startFlow signal-with-start, so their conversation decides as for any start: one already running
 * a flow keeps it. A flow no longer live with this trigger (unpublished, deleted, republished with
 * another) starts nothing. Run ids are derived from the firing and the contact, and the page
 * reached is heartbeated: a retry asks for the same runs, which start once.
 */
export async function startScheduledFlows(deps: LabelFlowDeps, input: { workspaceId: string; flowId: string; firingId: string }): Promise<{ requested: number }> {
  const [live] = await execute<{ trigger: TriggerData | null }[]>(
    deps.orm,
    `select (select n->'data' from jsonb_array_elements(v.definition->'nodes') n where n->>'type' = 'trigger' limit 1) as trigger
       from flows f join flow_versions v on v.flow_id = f.id and v.version = f.published_version
      where f.id = ? and f.workspace_id = ? and f.deleted_at is null and v.trigger_on = 'schedule'`,
    [input.flowId, input.workspaceId],
  );
  if (!live?.trigger) return { requested: 0 };
  const label = live.trigger.label?.trim() || null;
  const progress = (Context.current().info.heartbeatDetails as { after: string; requested: number } | undefined) ?? { after: '00000000-0000-0000-0000-000000000000', requested: 0 };
  for (;;) {
    const page = await execute<(ConversationRef & { contact_id: string })[]>(
      deps.orm,
      `select ct.id as contact_id, c.workspace_id, c.channel_id, c.id as conversation_id, ct.contact_key, c.workflow_id
         from contacts ct
         join lateral (
           select c.* from conversations c where c.contact_id = ct.id and c.workspace_id = ct.workspace_id
            order by c.last_message_at desc, c.created_at desc limit 1
         ) c on true
        where ct.workspace_id = ? and not ct.blocked and not ct.opted_out and ct.id > ?
          and (?::text is null or exists (
            select 1 from contact_labels cl join labels l on l.id = cl.label_id where cl.contact_id = ct.id and lower(l.name) = lower(?::text)))
        order by ct.id limit ?`,
      [input.workspaceId, progress.after, label, label, PAGE],
    );
    for (let i = 0; i < page.length; i += REQUESTS_AT_ONCE) {
      await Promise.all(
        page.slice(i, i + REQUESTS_AT_ONCE).map(({ contact_id, ...ref }) =>
          requestFlowRun({ temporal: deps.temporal, taskQueue: deps.config.taskQueue }, ref, input.flowId, runId(input.firingId, contact_id)),
        ),
      );
    }
    if (page.length === 0) return { requested: progress.requested };
    progress.after = page[page.length - 1].contact_id;
    progress.requested += page.length;
    Context.current().heartbeat(progress);
    if (page.length < PAGE) return { requested: progress.requested };
  }
}

/** A UUID (version 5 layout) from the firing and the contact: the same run id on every attempt. */
function runId(firingId: string, contactId: string): string {
  const hex = createHash('sha1').update(`${firingId}\u0000${contactId}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
