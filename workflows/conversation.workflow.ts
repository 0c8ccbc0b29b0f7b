import * as wf from '@temporalio/workflow';
import type { PersistenceActivities } from '../activities/persistence.activities';
import type { MessagingActivities, OutgoingMessage } from '../activities/messaging.activities';
import type { ConversationContext } from '../activities/conversation-context';
import { routeInbound, slaDeadlineAfterInbound, type ConversationMode, type RuleSnapshot, type SettingsSnapshot } from './routing';
import { agentMessageKey, botReplyKey, channelTaskQueue, slaFallbackKey } from './ids';
import { channelSend, quickIo } from './presets';
import { CONVERSATION_SIGNALS as S, CONVERSATION_STATE_QUERY } from './signals';

/** An inbound WhatsApp message, already persisted by the ingress (connector/inbound.ts). */
export interface InboundMessage {
  messageId: string;
  externalId: string;
  text: string;
  contactBlocked: boolean;
  /** The workspace's settings_version when the message arrived: newer than the cached one means read again. */
  settingsVersion?: string;
}

export interface ConversationInput {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  contactKey: string;
  /** A new conversation's routing context, read by the ingress: the first task then needs no lookup. */
  context?: ConversationContext;
  /** Carried across continue-as-new. */
  state?: ConversationState;
}

type ConversationEvent =
  | { type: 'inbound'; message: InboundMessage }
  | { type: 'agentMessage'; messageId: string }
  | { type: 'takeOver' }
  | { type: 'release' };

export interface ConversationState {
  mode: ConversationMode;
  /** Rules and settings cached here so an inbound message costs no lookup; read again when a message brings a newer version. */
  rules: RuleSnapshot[] | null;
  settings: SettingsSnapshot | null;
  settingsVersion?: string | null;
  /** WhatsApp ids already handled, newest last, bounded. */
  seen: string[];
  queue: ConversationEvent[];
  handled: number;
  /** Human mode: when agents get reminded (epoch ms), and the message the customer waits on since. */
  sla: { deadline: number; messageId: string } | null;
}

export const inboundSignal = wf.defineSignal<[InboundMessage]>(S.inbound);
export const agentMessageSignal = wf.defineSignal<[{ messageId: string }]>(S.agentMessage);
export const takeOverSignal = wf.defineSignal(S.takeOver);
export const releaseSignal = wf.defineSignal(S.release);
export const stateQuery = wf.defineQuery<ConversationState>(CONVERSATION_STATE_QUERY);

const SEEN_LIMIT = 500;
/**
 * Events one run handles before it continues as new, well before the server's own suggestion:
 * short histories keep the replay of a conversation evicted from the worker's cache cheap.
 */
const EVENTS_PER_RUN = 100;
/** A conversation quiet this long ends; the next message starts it again from Postgres. */
const IDLE_MS = 7 * 24 * 3600 * 1000;

const db = wf.proxyLocalActivities<PersistenceActivities>(quickIo);

/** One per contact per channel; id = conversationWorkflowId(channelId, contactKey). */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const state: ConversationState = input.state ?? {
    mode: input.context?.mode ?? 'BOT',
    rules: input.context?.rules ?? null,
    settings: input.context?.settings ?? null,
    settingsVersion: input.context?.settingsVersion ?? null,
    seen: [],
    queue: [],
    handled: 0,
    sla: null,
  };
  const channel = wf.proxyActivities<MessagingActivities>({ ...channelSend, taskQueue: channelTaskQueue(input.channelId) });

  wf.setHandler(inboundSignal, (message) => enqueueUnlessSeen(state, message));
  wf.setHandler(agentMessageSignal, ({ messageId }) => void state.queue.push({ type: 'agentMessage', messageId }));
  wf.setHandler(takeOverSignal, () => void state.queue.push({ type: 'takeOver' }));
  wf.setHandler(releaseSignal, () => void state.queue.push({ type: 'release' }));
  wf.setHandler(stateQuery, () => state);

  if (!state.rules || !state.settings) await refreshContext(state, input, true);
  // One idle timer per run, not one per message: a timer per wait would add two history events to every message.
  const idle = idleTimer();

  let handledThisRun = 0;
  while (!wf.workflowInfo().continueAsNewSuggested && handledThisRun < EVENTS_PER_RUN) {
    const ready = () => state.queue.length > 0 || idle.expired;
    // The SLA is a durable timer: it fires on time across worker restarts and continue-as-new.
    if (state.sla && !(await wf.condition(ready, Math.max(0, state.sla.deadline - Date.now())))) {
      await slaPassed(state, input, channel);
      continue;
    }
    await wf.condition(ready);
    if (state.queue.length === 0) return;
    idle.touch();
    const event = state.queue.shift()!;
    // Messages that queued up while a send was out are answered together, in one send.
    const count = event.type === 'inbound' ? await replyTo(state, input, [event.message, ...takeInbound(state.queue)], channel) : (await handle(state, input, event, channel), 1);
    state.handled += count;
    handledThisRun += count;
  }
  await wf.condition(wf.allHandlersFinished);
  await wf.continueAsNew<typeof conversationWorkflow>({ ...input, context: undefined, state });
}

function idleTimer(): { expired: boolean; touch(): void } {
  let lastActivity = Date.now();
  const timer = {
    expired: false,
    touch: () => void (lastActivity = Date.now()),
  };
  void (async () => {
    for (;;) {
      const remaining = lastActivity + IDLE_MS - Date.now();
      if (remaining <= 0) return void (timer.expired = true);
      await wf.sleep(remaining);
    }
  })();
  return timer;
}

function enqueueUnlessSeen(state: ConversationState, message: InboundMessage): void {
  if (state.seen.includes(message.externalId)) return;
  state.seen.push(message.externalId);
  if (state.seen.length > SEEN_LIMIT) state.seen.splice(0, state.seen.length - SEEN_LIMIT);
  state.queue.push({ type: 'inbound', message });
}

/** Every event but an inbound message (those go to replyTo, batched). */
async function handle(
  state: ConversationState,
  input: ConversationInput,
  event: Exclude<ConversationEvent, { type: 'inbound' }>,
  channel: MessagingActivities,
): Promise<void> {
  switch (event.type) {
    case 'takeOver':
      state.mode = 'HUMAN';
      return;
    case 'release':
      state.mode = 'BOT';
      state.sla = null;
      return;
    case 'agentMessage':
      state.sla = null;
      return send(input, channel, [{ messageId: event.messageId, idempotencyKey: agentMessageKey(event.messageId), senderType: 'HUMAN' }]);
  }
}

/** The inbound messages at the front of the queue (up to the first other event, which must wait its turn). */
function takeInbound(queue: ConversationEvent[]): InboundMessage[] {
  const taken: InboundMessage[] = [];
  while (queue[0]?.type === 'inbound') taken.push((queue.shift() as { message: InboundMessage }).message);
  return taken;
}

/** Routes each message in order and sends the replies, in that order, in one activity. Returns how many it handled. */
async function replyTo(state: ConversationState, input: ConversationInput, messages: InboundMessage[], channel: MessagingActivities): Promise<number> {
  // The workspace's rules or settings changed since they were read: read them again first.
  if (messages.some((m) => isNewer(m.settingsVersion, state.settingsVersion))) await refreshContext(state, input, false);
  const replies: OutgoingMessage[] = [];
  for (const message of messages) {
    const deadline = slaDeadlineAfterInbound(state.sla?.deadline ?? null, state.mode, state.settings!, Date.now());
    if (deadline !== null && !state.sla && !message.contactBlocked) state.sla = { deadline, messageId: message.messageId };
    const route = routeInbound({
      text: message.text,
      contactBlocked: message.contactBlocked,
      mode: state.mode,
      rules: state.rules ?? [],
      settings: state.settings!,
      now: new Date(),
    });
    if (route.kind === 'keyword' || route.kind === 'default' || route.kind === 'away') {
      replies.push({ idempotencyKey: botReplyKey(message.messageId), senderType: 'BOT', text: route.reply, replyToId: message.messageId });
    }
  }
  if (replies.length) await send(input, channel, replies);
  return messages.length;
}

async function slaPassed(state: ConversationState, input: ConversationInput, channel: MessagingActivities): Promise<void> {
  const { messageId } = state.sla!;
  state.sla = null;
  await db.remindAgents({ workspaceId: input.workspaceId, conversationId: input.conversationId, waitingSinceMessageId: messageId });
  const fallback = state.settings?.slaFallbackMessage;
  if (fallback) await send(input, channel, [{ idempotencyKey: slaFallbackKey(messageId), senderType: 'BOT', text: fallback, replyToId: messageId }]);
}

async function refreshContext(state: ConversationState, input: ConversationInput, includeMode: boolean): Promise<void> {
  const context = await db.loadConversationContext({ workspaceId: input.workspaceId, conversationId: input.conversationId });
  state.rules = context.rules;
  state.settings = context.settings;
  state.settingsVersion = context.settingsVersion;
  // Only a fresh run takes the mode from Postgres; after that the signals are the truth.
  if (includeMode) state.mode = context.mode;
}

async function send(input: ConversationInput, channel: MessagingActivities, messages: OutgoingMessage[]): Promise<void> {
  try {
    await channel.sendMessages({
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      conversationId: input.conversationId,
      to: `+${input.contactKey}`,
      messages,
    });
  } catch (err) {
    if (!(err instanceof wf.ActivityFailure)) throw err;
    // The send gave up (a day of retries, the connector gone): whatever is still PENDING shows FAILED, with why.
    for (const message of messages) await db.markMessageFailed({ idempotencyKey: message.idempotencyKey, reason: failureReason(err) });
  }
}

function isNewer(version: string | undefined, than: string | null | undefined): boolean {
  return version !== undefined && (than == null || BigInt(version) > BigInt(than));
}

function failureReason(err: wf.ActivityFailure): string {
  const cause = err.cause;
  if (cause instanceof wf.ApplicationFailure || cause instanceof wf.TimeoutFailure) return cause.message || cause.name;
  return err.message;
}
