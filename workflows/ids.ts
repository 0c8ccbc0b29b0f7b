/** Workflow ids and task queues: `<kind>:<business key>`. Pure, shared by workflows, activities and the API. */

export const MAIN_TASK_QUEUE = 'parley';

export function conversationWorkflowId(channelId: string, contactKey: string): string {
  return `conversation:${channelId}:${contactKey}`;
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

/** One broadcast's workflow. */
export function broadcastWorkflowId(broadcastId: string): string {
  return `broadcast:${broadcastId}`;
}

/** A broadcast's message to one contact: the same key on every retry, every batch and every run. */
export function broadcastRecipientKey(broadcastId: string, contactId: string): string {
  return `broadcast:${broadcastId}:${contactId}`;
}
