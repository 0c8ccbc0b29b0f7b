import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { execute, type Orm } from '../../schema/orm';
import { requestFlowRun, type ConversationRef } from '../../workflows/conversation.client';

/** A label newly put on a contact (one it had already starts nothing). */
export interface LabelAddition {
  contactId: string;
  labelId: string;
}

export interface LabelFlowDeps {
  orm: Orm;
  temporal: Client;
  config: { taskQueue: string };
}

/**
 * The `label_added` trigger: for each contact that just got a label some live flow waits for,
 * asks the contact's most recent conversation (the one the contact last wrote or was written in,
 * on whichever channel) to start that flow (the highest priority one when several wait for the
 * contact's new labels). The request is the startFlow signal-with-start, so the conversation
 * workflow decides, as for a run the API starts: a conversation that already runs a flow keeps
 * it and starts nothing (one run per conversation, e.g. a flow's own tag node), and a flow no
 * longer live starts nothing. Blocked and opted-out contacts, and contacts with no conversation
 * yet (the run needs a channel to speak on), are left out. `exceptConversationId`: a flow's tag
 * node, whose own conversation is busy with the run that tags (one run per conversation): a label
 * flow never starts there. Returns the runs asked for.
 *
 * Called after the labels are committed; a request that fails is logged, not thrown: the labels
 * stay on (the caller's change succeeded) and that contact's flow does not start.
 */
export async function startLabelFlows(
  deps: LabelFlowDeps,
  workspaceId: string,
  additions: LabelAddition[],
  options: { exceptConversationId?: string } = {},
): Promise<{ flowId: string; conversationId: string; flowRunId: string }[]> {
  if (additions.length === 0) return [];
  const rows = await execute<(ConversationRef & { flow_id: string })[]>(
    deps.orm,
    `with added as (
       select a.contact_id, lower(l.name) as label
         from unnest(?::uuid[], ?::uuid[]) as a(contact_id, label_id)
         join labels l on l.id = a.label_id and l.workspace_id = ?
     ), waiting as (
       select f.id as flow_id, f.priority, f.created_at,
              lower((select n->'data'->>'label' from jsonb_array_elements(v.definition->'nodes') n where n->>'type' = 'trigger' limit 1)) as label
         from flows f join flow_versions v on v.flow_id = f.id and v.version = f.published_version
        where f.workspace_id = ? and f.deleted_at is null and v.trigger_on = 'label_added'
     )
     select distinct on (ct.id) w.flow_id, c.workspace_id, c.channel_id, c.id as conversation_id, ct.contact_key, c.workflow_id
       from added a
       join waiting w on w.label = a.label
       join contacts ct on ct.id = a.contact_id and ct.workspace_id = ? and not ct.blocked and not ct.opted_out
       join lateral (
         select c.* from conversations c where c.contact_id = ct.id and c.workspace_id = ct.workspace_id
          order by c.last_message_at desc, c.created_at desc limit 1
       ) c on true
      where c.id is distinct from ?::uuid
      order by ct.id, w.priority desc, w.created_at asc`,
    [pgUuids(additions.map((a) => a.contactId)), pgUuids(additions.map((a) => a.labelId)), workspaceId, workspaceId, workspaceId, options.exceptConversationId ?? null],
  );
  const started: { flowId: string; conversationId: string; flowRunId: string }[] = [];
  // A few requests at a time: a bulk label on many contacts must not flood Temporal, nor take one round trip per contact in turn.
  for (let i = 0; i < rows.length; i += REQUESTS_AT_ONCE) {
    await Promise.all(
      rows.slice(i, i + REQUESTS_AT_ONCE).map(async ({ flow_id: flowId, ...ref }) => {
        const flowRunId = randomUUID();
        try {
          await requestFlowRun({ temporal: deps.temporal, taskQueue: deps.config.taskQueue }, ref, flowId, flowRunId);
          started.push({ flowId, conversationId: ref.conversation_id, flowRunId });
        } catch (err) {
          console.warn(JSON.stringify({ msg: 'label_added flow not requested', workspaceId, flowId, conversationId: ref.conversation_id, error: String(err) }));
        }
      }),
    );
  }
  return started;
}

const REQUESTS_AT_ONCE = 20;

function pgUuids(ids: string[]): string {
  return `{${ids.join(',')}}`;
}
