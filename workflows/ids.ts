/** Workflow ids and task queues: `<kind>:<business key>`. Pure, shared by workflows, activities and the API. */

export const MAIN_TASK_QUEUE = 'parley';

/**
 * A new conversation's workflow: by its row's id, never the contact's phone number (Temporal's Web UI
 * lists workflow ids in plain form). A conversation keeps the id it started with (`conversations.workflow_id`),
 * so those from before this are still `conversation:<channelId>:<contactKey>`; always address one by its stored id.
 */
export function conversationWorkflowId(channelId: string, conversationId: string): string {
  return `conversation:${channelId}:${conversationId}`;
}

/** The connector process that holds a channel's socket serves this queue. */
export function channelTaskQueue(channelId: string): string {
  return `channel:${channelId}`;
}

/** A bot reply to one inbound message: the same key on every retry and every workflow run. */
export function botReplyKey(inboundMessageId: string): string {
  return `reply:${inboundMessageId}`;
}

/** An agent's message, persisted by the API before the workflow sends it. */
export function agentMessageKey(messageId: string): string {
  return `agent:${messageId}`;
}

/** The message a customer gets when no agent answered in time; once per waiting message. */
export function slaFallbackKey(inboundMessageId: string): string {
  return `sla:${inboundMessageId}`;
}

/** The `resendNumber`th copy of a FAILED or UNCERTAIN message: a new key, so the wire takes it as a new message. */
export function resendKey(messageId: string, resendNumber: number): string {
  return `resend:${messageId}:${resendNumber}`;
}

/** One ingestion of one document revision: a re-index is a new revision, so a new workflow. */
export function documentIngestionWorkflowId(documentId: string, revision: number): string {
  return `ingest:${documentId}:${revision}`;
}

/** Removes a deleted document's vectors from the vector index. */
export function documentRemovalWorkflowId(documentId: string): string {
  return `unindex:${documentId}`;
}

/** The handover message the customer gets when the AI route escalates a burst ending in this message. */
export function handoverKey(inboundMessageId: string): string {
  return `handover:${inboundMessageId}`;
}

/** One run of a flow (issue 11), a child of its conversation's workflow. */
export function flowRunWorkflowId(flowRunId: string): string {
  return `flow-run:${flowRunId}`;
}

/**
 * A message a flow run sends on its `visit`th entry of a node (`part`: a question asked again after a
 * wrong answer, an AI reply): the same key on every replay and retry, so a crash never sends it twice.
 */
export function flowMessageKey(flowRunId: string, nodeId: string, visit: number, part = 'message'): string {
  return `flow:${flowRunId}:${nodeId}:${visit}:${part}`;
}

/** One broadcast's workflow. */
export function broadcastWorkflowId(broadcastId: string): string {
  return `broadcast:${broadcastId}`;
}

/** A broadcast's message to one contact: the same key on every retry, every batch and every run. */
export function broadcastRecipientKey(broadcastId: string, contactId: string): string {
  return `broadcast:${broadcastId}:${contactId}`;
}

/** The Temporal Schedule of a flow whose live version has a `schedule` trigger (one per flow; its action's runs are `flow-schedule:<flowId>-<time>`). */
export function flowScheduleId(flowId: string): string {
  return `flow-schedule:${flowId}`;
}

/** Embeds a workspace's stale FAQs and re-embeds its documents after a change of embedding model: one at a time per workspace. */
export function workspaceEmbeddingsWorkflowId(workspaceId: string): string {
  return `embeddings:${workspaceId}`;
}

/** Removes a deleted FAQ's vectors from the vector index. */
export function faqRemovalWorkflowId(faqId: string): string {
  return `unindex-faq:${faqId}`;
}
