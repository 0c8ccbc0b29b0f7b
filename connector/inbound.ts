/**
 * The ingress every channel uses: normalize → persist idempotently → signalWithStart the
 * conversation workflow. A row persisted but not yet signalled (the process died in between)
 * is picked up by the outbox sweep (outbox.ts); the workflow's dedupe makes a repeat harmless.
 * A reaction attaches to its message and a message typed on the business's phone (`fromMe`) is
 * a HUMAN outbound row: neither is signalled as an inbound message (no bot reply); the latter
 * may take the conversation over, by a durable command the function records.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { execute, type Orm } from '../schema/orm';
import { conversationWorkflowId } from '../workflows/ids';
import type { ConversationMode } from '../workflows/routing';
import type { ConversationContext } from '../activities/conversation-context';
import { createContextCache, type ContextCache } from './context-cache';
import { toContactKey } from './phone';
import { deliverCommand, signalInbound, type ConversationRef } from '../workflows/conversation.client';
import { UnknownChannelError, WrongChannelKindError, type Ingress } from './ingress.port';

export interface IngressDeps {
  orm: Orm;
  temporal: Client;
  taskQueue: string;
  log: (msg: string, err?: unknown) => void;
}

interface StoredInbound {
  result: 'NEW' | 'DUPLICATE' | 'REACTION' | 'UNKNOWN_CHANNEL' | 'WRONG_KIND';
  message_id: string;
  conversation_id: string;
  workspace_id: string;
  contact_blocked: boolean;
  conversation_mode: ConversationMode;
  new_conversation: boolean;
  created_at: Date;
  signaled: boolean;
  settings_version: string;
  /** A message from our own phone took the conversation over: this TAKE_OVER command is recorded, to deliver. */
  take_over_command_id: string | null;
  /** The conversation's workflow id as stored (a new conversation's, or the one it started with). */
  workflow_id: string;
}

export function createIngress(deps: IngressDeps): Ingress {
  const marks = signalledMarks(deps);
  const contexts = createContextCache(deps.orm);
  return {
    async receive(envelope, expect) {
      const contactKey = toContactKey(envelope.from);
      const type = envelope.type ?? 'TEXT';
      const fromMe = envelope.fromMe ?? false;
      // A new conversation gets this id and the workflow id made from it; an existing one keeps its own.
      const conversationId = randomUUID();
      // One round trip, one transaction: schema/migrations/Migration20261203113500_conversation_workflow_ids.ts.
      const [stored] = await execute<StoredInbound[]>(
        deps.orm,
        'select * from parley_receive_inbound(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)',
        [
          envelope.channelId, envelope.externalId, contactKey, envelope.name ?? null, envelope.text,
          conversationWorkflowId(envelope.channelId, conversationId), randomUUID(), randomUUID(), conversationId,
          expect?.workspaceId ?? null, expect?.kind ?? null,
          type, json(envelope.media), json(envelope.details), envelope.replyToExternalId ?? null, envelope.forwarded ?? false,
          envelope.sentAt ?? null, fromMe,
          type === 'REACTION' ? (envelope.reaction?.targetExternalId ?? null) : null, envelope.reaction?.emoji ?? null,
          fromMe ? randomUUID() : null,
        ],
      );
      if (stored.result === 'UNKNOWN_CHANNEL') throw new UnknownChannelError(`channel ${envelope.channelId} does not exist`);
      if (stored.result === 'WRONG_KIND') throw new WrongChannelKindError(`channel ${envelope.channelId} is not a ${expect?.kind} channel`);
      if (stored.result === 'REACTION') {
        return { kind: 'REACTION', messageId: stored.message_id, conversationId: stored.conversation_id, workspaceId: stored.workspace_id };
      }
      const ref = { workspace_id: stored.workspace_id, channel_id: envelope.channelId, conversation_id: stored.conversation_id, contact_key: contactKey, workflow_id: stored.workflow_id };
      if (stored.take_over_command_id) await takeOver(deps, ref, stored.take_over_command_id);
      if (!stored.signaled && !fromMe) {
        const context = stored.new_conversation ? await startContext(deps, contexts, stored) : undefined;
        await signalInbound(deps, {
          ...ref,
          message_id: stored.message_id,
          external_id: envelope.externalId,
          text: envelope.text,
          type,
          has_media: Boolean(envelope.media),
          reply_id: type === 'BUTTON_REPLY' || type === 'LIST_REPLY' ? replyId(envelope.details) : null,
          blocked: stored.contact_blocked,
          settings_version: stored.settings_version,
        }, context);
        marks.add(stored.message_id);
      }
      return {
        kind: 'MESSAGE',
        messageId: stored.message_id,
        conversationId: stored.conversation_id,
        workspaceId: stored.workspace_id,
        duplicate: stored.result === 'DUPLICATE',
        createdAt: new Date(stored.created_at),
      };
    },
    close: () => marks.flush(),
  };
}

/** A JSON parameter, or null. */
function json(value: object | null | undefined): string | null {
  return value ? JSON.stringify(value) : null;
}

/**
 * Delivers the TAKE_OVER the function recorded for a message typed on the business's phone. Not
 * delivered now (Temporal unreachable, slow) is not lost: the command outbox delivers it.
 */
async function takeOver(deps: IngressDeps, ref: ConversationRef, commandId: string): Promise<void> {
  try {
    await deliverCommand(deps, ref, { id: commandId, kind: 'TAKE_OVER', messageId: null, resendNumber: null });
  } catch (err) {
    deps.log(`ingress: could not deliver the take-over of conversation ${ref.conversation_id} now; the command outbox will`, err);
  }
}

/** A new conversation's routing context; without one (the read failed) its workflow reads it itself. */
async function startContext(deps: IngressDeps, contexts: ContextCache, stored: StoredInbound): Promise<ConversationContext | undefined> {
  try {
    return { ...(await contexts.get(stored.workspace_id, stored.settings_version)), mode: stored.conversation_mode };
  } catch (err) {
    deps.log('ingress: could not read the routing context; the conversation workflow will', err);
    return undefined;
  }
}

const MARK_DELAY_MS = 25;
const MARK_BATCH = 500;

/**
 * Records when each message was signalled, a batch per statement rather than a round trip per
 * message. A mark lost in a crash only means the outbox signals that message once more.
 */
function signalledMarks(deps: IngressDeps): { add(messageId: string): void; flush(): Promise<void> } {
  let pending = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return writing;
    const batch = pending;
    pending = new Map();
    writing = writing
      .then(() =>
        execute(
          deps.orm,
          `update messages m set signaled_at = v.at
           from unnest(?::uuid[], ?::timestamptz[]) as v(id, at) where m.id = v.id and m.signaled_at is null`,
          [`{${[...batch.keys()].join(',')}}`, `{${[...batch.values()].join(',')}}`],
        ),
      )
      .then(
        () => undefined,
        (err) => deps.log(`ingress: could not record ${batch.size} signalled message(s); the outbox will signal them again`, err),
      );
    return writing;
  };

  return {
    add(messageId) {
      pending.set(messageId, new Date().toISOString());
      if (pending.size >= MARK_BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), MARK_DELAY_MS);
    },
    flush,
  };
}

/** The id of the button or list row a BUTTON_REPLY / LIST_REPLY tapped (a flow's branch), when the wire says it. */
function replyId(details: Record<string, unknown> | null | undefined): string | null {
  const id = details?.id ?? details?.payload;
  return typeof id === 'string' && id ? id : null;
}
