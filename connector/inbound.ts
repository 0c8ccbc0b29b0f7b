/**
 * The ingress every channel uses: normalize → persist idempotently → signalWithStart the
 * conversation workflow. A row persisted but not yet signalled (the process died in between)
 * is picked up by the outbox sweep (outbox.ts); the workflow's dedupe makes a repeat harmless.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../schema/orm';
import { NOTIFY, eventPayload } from '../activities/events';
import { conversationWorkflowId } from '../workflows/ids';
import { toContactKey } from './phone';
import { signalInbound } from './signal';

export interface InboundEnvelope {
  channelId: string;
  /** WhatsApp's message id: unique per channel. */
  externalId: string;
  from: string;
  text: string;
  name?: string | null;
}

export interface InboundResult {
  messageId: string;
  conversationId: string;
  workspaceId: string;
  duplicate: boolean;
  /** When a new row was stored (null for a duplicate). */
  createdAt: Date | null;
}

export class UnknownChannelError extends Error {}

export interface IngressDeps {
  orm: Orm;
  temporal: Client;
  taskQueue: string;
}

export async function receiveInbound(deps: IngressDeps, envelope: InboundEnvelope): Promise<InboundResult> {
  const contactKey = toContactKey(envelope.from);
  const em = deps.orm.em.fork();
  const persisted = await em.transactional((tx) => persistInbound(tx as EntityManager, envelope, contactKey));
  if (!persisted.signalled) {
    await signalInbound(deps, persisted.row);
    await em.execute('update messages set signaled_at = now() where id = ?', [persisted.row.message_id]);
  }
  return {
    messageId: persisted.row.message_id,
    conversationId: persisted.row.conversation_id,
    workspaceId: persisted.row.workspace_id,
    duplicate: persisted.duplicate,
    createdAt: persisted.createdAt,
  };
}

/** What the outbox and the ingress need to signal a persisted inbound message. */
export interface PendingInbound {
  message_id: string;
  external_id: string;
  text: string;
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  contact_key: string;
  blocked: boolean;
}

async function persistInbound(
  em: EntityManager,
  envelope: InboundEnvelope,
  contactKey: string,
): Promise<{ row: PendingInbound; duplicate: boolean; signalled: boolean; createdAt: Date | null }> {
  const [channel] = await em.execute<{ workspace_id: string }[]>('select workspace_id from channels where id = ?', [envelope.channelId]);
  if (!channel) throw new UnknownChannelError(`channel ${envelope.channelId} does not exist`);
  const workspaceId = channel.workspace_id;

  const [conversation] = await em.execute<{ conversation_id: string; blocked: boolean }[]>(
    `with contact as (
       insert into contacts (id, workspace_id, contact_key, phone, name) values (?, ?, ?, ?, ?)
       on conflict (workspace_id, contact_key) do update set name = coalesce(excluded.name, contacts.name)
       returning id, blocked
     ), conversation as (
       insert into conversations (id, workspace_id, channel_id, contact_id, workflow_id)
       select ?, ?, ?, contact.id, ? from contact
       on conflict (channel_id, contact_id) do update set workflow_id = excluded.workflow_id
       returning id
     )
     select conversation.id as conversation_id, contact.blocked from conversation, contact`,
    [
      randomUUID(), workspaceId, contactKey, `+${contactKey}`, envelope.name ?? null,
      randomUUID(), workspaceId, envelope.channelId, conversationWorkflowId(envelope.channelId, contactKey),
    ],
  );

  const messageId = randomUUID();
  const [inserted] = await em.execute<{ id: string; created_at: Date }[]>(
    `insert into messages (id, workspace_id, conversation_id, channel_id, direction, sender_type, text, status, external_id)
     values (?, ?, ?, ?, 'INBOUND', 'CONTACT', ?, 'DELIVERED', ?)
     on conflict (channel_id, external_id) do nothing returning id, created_at`,
    [messageId, workspaceId, conversation.conversation_id, envelope.channelId, envelope.text, envelope.externalId],
  );
  const base = {
    external_id: envelope.externalId,
    text: envelope.text,
    workspace_id: workspaceId,
    channel_id: envelope.channelId,
    conversation_id: conversation.conversation_id,
    contact_key: contactKey,
    blocked: conversation.blocked,
  };
  if (!inserted) {
    const [existing] = await em.execute<{ id: string; signaled_at: Date | null }[]>(
      'select id, signaled_at from messages where channel_id = ? and external_id = ?',
      [envelope.channelId, envelope.externalId],
    );
    return { row: { ...base, message_id: existing.id }, duplicate: true, signalled: existing.signaled_at !== null, createdAt: null };
  }
  await em.execute(
    `update conversations set last_message_at = now(), last_message_text = ?, unread_count = unread_count + 1 where id = ? returning ${NOTIFY}`,
    [envelope.text, conversation.conversation_id, eventPayload({ type: 'messageAdded', workspaceId, conversationId: conversation.conversation_id, messageId })],
  );
  return { row: { ...base, message_id: messageId }, duplicate: false, signalled: false, createdAt: inserted.created_at };
}
