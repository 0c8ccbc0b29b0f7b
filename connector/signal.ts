import type { Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { conversationWorkflowId } from '../workflows/ids';
import type { ConversationInput, InboundMessage } from '../workflows/conversation.workflow';
import { CONVERSATION_SIGNALS } from '../workflows/signals';
import type { PendingInbound } from './inbound';
import type { ConversationContext } from '../activities/conversation-context';

export const WorkspaceIdKey = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const ChannelIdKey = defineSearchAttributeKey('ChannelId', SearchAttributeType.KEYWORD);
export const ContactKeyKey = defineSearchAttributeKey('ContactKey', SearchAttributeType.KEYWORD);

export interface ConversationRef {
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  contact_key: string;
}

/** Signals a conversation workflow, starting it when it is not running (searchable by workspace, channel, contact). */
export async function signalConversation(
  deps: { temporal: Client; taskQueue: string },
  ref: ConversationRef,
  signal: string,
  args: unknown[],
  context?: ConversationContext,
): Promise<void> {
  const input: ConversationInput = {
    workspaceId: ref.workspace_id,
    channelId: ref.channel_id,
    conversationId: ref.conversation_id,
    contactKey: ref.contact_key,
    context,
  };
  await deps.temporal.workflow.signalWithStart('conversationWorkflow', {
    workflowId: conversationWorkflowId(ref.channel_id, ref.contact_key),
    taskQueue: deps.taskQueue,
    args: [input],
    signal,
    signalArgs: args,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: WorkspaceIdKey, value: ref.workspace_id },
      { key: ChannelIdKey, value: ref.channel_id },
      { key: ContactKeyKey, value: ref.contact_key },
    ]),
  });
}

/** `context`: a new conversation's routing context, so its workflow starts without a lookup. */
export async function signalInbound(deps: { temporal: Client; taskQueue: string }, row: PendingInbound, context?: ConversationContext): Promise<void> {
  const message: InboundMessage = {
    messageId: row.message_id,
    externalId: row.external_id,
    text: row.text,
    contactBlocked: row.blocked,
    settingsVersion: row.settings_version,
  };
  await signalConversation(deps, row, CONVERSATION_SIGNALS.inbound, [message], context);
}
