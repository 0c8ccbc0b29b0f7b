/**
 * The conversation workflow's client side (outside the sandbox; never bundled), used by the
 * ingress, the outbox and the API's commands: the workflow's own signal and update definitions,
 * starting it when it is not running (searchable by workspace and channel; never by the phone number, which the Web UI would show).
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { flowRunWorkflowId } from './ids';
import { commandUpdate, conversationWorkflow, inboundSignal, startFlowSignal, type ConversationInput, type InboundMessage } from './conversation.workflow';
import { flowCancelSignal } from './flow-run.workflow';
import type { AgentCommand, CommandResult } from './signals';
import type { ConversationContext } from '../activities/conversation-context';
import type { InferEntity } from '@mikro-orm/core';
import type { MessageType } from '../connector/channels/inbound-message';
import type { ConversationCommand } from '../schema/entities/conversation-command.entity';
import type { Conversation } from '../schema/entities/conversation.entity';

const WorkspaceIdKey = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
const ChannelIdKey = defineSearchAttributeKey('ChannelId', SearchAttributeType.KEYWORD);

export interface ConversationRef {
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  contact_key: string;
  /** `conversations.workflow_id`: the id its workflow started with (workflows/ids.ts). */
  workflow_id: string;
}

/** What the outbox and the ingress need to signal a persisted inbound message. */
export interface PendingInbound {
  message_id: string;
  external_id: string;
  text: string;
  /** Absent in rows read before messages had a type: TEXT. */
  type?: MessageType;
  has_media?: boolean;
  /** A tapped button or list row (BUTTON_REPLY, LIST_REPLY): its id. */
  reply_id?: string | null;
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  contact_key: string;
  workflow_id: string;
  blocked: boolean;
  settings_version: string;
}

export interface TemporalDeps {
  temporal: Client;
  taskQueue: string;
}

/** How a conversation's workflow starts when a signal or command finds none running. */
function startOptions(deps: TemporalDeps, ref: ConversationRef, context?: ConversationContext) {
  const input: ConversationInput = {
    workspaceId: ref.workspace_id,
    channelId: ref.channel_id,
    conversationId: ref.conversation_id,
    contactKey: ref.contact_key,
    context,
  };
  return {
    workflowId: ref.workflow_id,
    taskQueue: deps.taskQueue,
    args: [input] as [ConversationInput],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: WorkspaceIdKey, value: ref.workspace_id },
      { key: ChannelIdKey, value: ref.channel_id },
    ]),
  };
}

/** `context`: a new conversation's routing context, so its workflow starts without a lookup. */
export async function signalInbound(deps: TemporalDeps, row: PendingInbound, context?: ConversationContext): Promise<void> {
  const message: InboundMessage = {
    messageId: row.message_id,
    externalId: row.external_id,
    text: row.text,
    type: row.type ?? 'TEXT',
    hasMedia: row.has_media ?? false,
    ...(row.reply_id ? { replyId: row.reply_id } : {}),
    contactBlocked: row.blocked,
    settingsVersion: row.settings_version,
  };
  await deps.temporal.workflow.signalWithStart(conversationWorkflow, {
    ...startOptions(deps, row, context),
    signal: inboundSignal,
    signalArgs: [message],
  });
}

/**
 * Delivers a recorded command (update-with-start, update id = command id, so a repeat within a run
 * is one update; the workflow's applied-id set covers later runs) and returns once its effect is in
 * Postgres, or fails after `waitMs` (the command stays recorded: the outbox delivers it again).
 */
/** How long a delivery waits for the workflow to apply a command; after that the command outbox sees to it. */
export const COMMAND_WAIT_MS = 10_000;

/** The ref of a conversation loaded with its channel and contact. */
export function conversationRef(conversation: Conversation): ConversationRef {
  return { workspace_id: conversation.workspaceId, channel_id: conversation.channel.id, conversation_id: conversation.id, contact_key: conversation.contact.contactKey, workflow_id: conversation.workflowId };
}

export async function deliverCommand(deps: TemporalDeps, ref: ConversationRef, row: CommandRow, waitMs = COMMAND_WAIT_MS): Promise<CommandResult> {
  const command = toAgentCommand(row);
  const startWorkflowOperation = new WithStartWorkflowOperation(conversationWorkflow, {
    ...startOptions(deps, ref),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return deps.temporal.withDeadline(Date.now() + waitMs, () =>
    deps.temporal.workflow.executeUpdateWithStart(commandUpdate, { updateId: command.commandId, args: [command], startWorkflowOperation }),
  );
}

/** The columns of a conversation_commands row a delivery needs. */
export type CommandRow = Pick<InferEntity<typeof ConversationCommand>, 'id' | 'kind' | 'messageId' | 'resendNumber'> &
  Partial<Pick<InferEntity<typeof ConversationCommand>, 'text'>>;

function toAgentCommand(row: CommandRow): AgentCommand {
  switch (row.kind) {
    case 'TAKE_OVER':
    case 'RELEASE':
      return { kind: row.kind, commandId: row.id };
    case 'SEND_MESSAGE':
      return { kind: row.kind, commandId: row.id, messageId: row.messageId! };
    case 'RESEND_MESSAGE':
      return { kind: row.kind, commandId: row.id, messageId: row.messageId!, resendNumber: row.resendNumber! };
    case 'APPROVE_DRAFT':
      return { kind: row.kind, commandId: row.id, messageId: row.messageId!, text: row.text ?? null };
    case 'REJECT_DRAFT':
      return { kind: row.kind, commandId: row.id, messageId: row.messageId! };
  }
}

/** startFlow: asks the conversation's workflow (started if none runs) for a run of the flow, with this run id. */
export async function requestFlowRun(deps: TemporalDeps, ref: ConversationRef, flowId: string, flowRunId: string): Promise<void> {
  await deps.temporal.workflow.signalWithStart(conversationWorkflow, { ...startOptions(deps, ref), signal: startFlowSignal, signalArgs: [{ flowId, flowRunId }] });
}

/** cancelFlowRun: false when the run's workflow is not running (the caller then ends its row itself). */
export async function cancelFlowRunWorkflow(temporal: Client, flowRunId: string, reason: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(flowRunWorkflowId(flowRunId)).signal(flowCancelSignal, { reason });
    return true;
  } catch (err) {
    if (err instanceof Error && err.name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}
