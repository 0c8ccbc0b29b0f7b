import * as wf from '@temporalio/workflow';
import type { PersistenceActivities } from '../activities/persistence.activities';
import type { MessagingActivities, OutgoingMessage } from '../activities/messaging.activities';
import type { CommandActivities } from '../activities/commands.activities';
import type { AiActivities } from '../activities/ai/ai.activities';
import type { ConversationContext } from '../activities/conversation-context';
import { isFlowCancel, matchFlowTrigger, routeInbound, slaDeadlineAfterInbound, type AiRouteSnapshot, type ConversationMode, type FlowTriggerSnapshot, type Route, type RuleSnapshot, type SettingsSnapshot } from './routing';
import { agentMessageKey, botReplyKey, channelTaskQueue, flowRunWorkflowId, handoverKey, resendKey, slaFallbackKey } from './ids';
import type { FlowActivities } from '../activities/flows/flows.activities';
import { flowCancelSignal, flowPauseSignal, flowReplySignal, flowRunNoticeSignal, flowRunWorkflow } from './flow-run.workflow';
import { aiModelCall, aiStep, channelSend, mediaDownload, quickIo } from './presets';
import type { MediaActivities } from '../activities/media.activities';
import { nextDeadline } from './deadlines';
import { optOutDecision, type OptOutSettings } from './opt-out';
import type { AgentCommand, CommandResult } from './signals';
import type { MessageType } from '../connector/channels/inbound-message';

/** An inbound WhatsApp message, already persisted by the ingress (connector/inbound.ts). */
export interface InboundMessage {
  messageId: string;
  externalId: string;
  text: string;
  /** Absent in signals sent before messages had a type: TEXT. */
  type?: MessageType;
  /** The message carries media (its bytes are fetched by downloadMedia, not sent here). */
  hasMedia?: boolean;
  /** A tapped button or list row: its id (a flow's branch). */
  replyId?: string | null;
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
  /** A message a command queued (an agent's reply, a resent copy): its row exists, PENDING. */
  | { type: 'send'; message: OutgoingMessage }
  // The three below come only from the signals of the API before commands were durable.
  | { type: 'agentMessage'; messageId: string }
  | { type: 'takeOver' }
  | { type: 'release' }
  /** startFlow (the API): a run of the flow's live version, with this id. */
  | { type: 'startFlow'; flowId: string; flowRunId: string }
  /** The run's handover node: human mode, with its note. */
  | { type: 'flowHandover'; note: string | null };

export interface ConversationState {
  mode: ConversationMode;
  /** Rules and settings cached here so an inbound message costs no lookup; read again when a message brings a newer version. */
  rules: RuleSnapshot[] | null;
  settings: SettingsSnapshot | null;
  settingsVersion?: string | null;
  /** The AI route's cached settings; absent in runs from before AI replies (off). */
  ai?: AiRouteSnapshot | null;
  /** The live flows' triggers (routing step 4), cached with the rules; absent in runs from before flows. */
  flows?: FlowTriggerSnapshot[] | null;
  /** The conversation's flow run in progress: `waiting` while it has asked and the contact's next message is its answer. */
  flow?: { flowRunId: string; waiting: boolean } | null;
  /** AI replies waiting as DRAFTs for an agent's approval (their message ids). */
  drafts?: string[];
  /** WhatsApp ids already handled, newest last, bounded. */
  seen: string[];
  /** Agent command ids already applied, newest last, bounded: a redelivered command is applied once. */
  commands?: string[];
  queue: ConversationEvent[];
  handled: number;
  /** Human mode: when agents get reminded (epoch ms), and the message the customer waits on since. */
  sla: { deadline: number; messageId: string } | null;
}

export const inboundSignal = wf.defineSignal<[InboundMessage]>('inbound');
/** An agent command (signals.ts); update id = command id. Returns once its effect is in Postgres. */
export const commandUpdate = wf.defineUpdate<CommandResult, [AgentCommand]>('command');
export const stateQuery = wf.defineQuery<ConversationState>('state');
/** The API's signals before commands were durable; kept so conversations that received one still replay. */
export const agentMessageSignal = wf.defineSignal<[{ messageId: string }]>('agentMessage');
export const takeOverSignal = wf.defineSignal('takeOver');
export const releaseSignal = wf.defineSignal('release');
/** startFlow: the API asks for a run of a flow in this conversation (signal-with-start). */
export const startFlowSignal = wf.defineSignal<[{ flowId: string; flowRunId: string }]>('startFlow');

const SEEN_LIMIT = 500;
const COMMANDS_LIMIT = 500;
/**
 * Events one run handles before it continues as new, well before the server's own suggestion:
 * short histories keep the replay of a conversation evicted from the worker's cache cheap.
 */
const EVENTS_PER_RUN = 100;
/** A conversation quiet this long ends; the next message starts it again from Postgres. */
const IDLE_MS = 7 * 24 * 3600 * 1000;
/** Runs with this marker wait on the next deadline (deadlines.ts); older histories on the SLA and idle timers. */
const NEXT_DEADLINE_PATCH = 'next-deadline-loop';
/** From this marker on, an inbound message with media has it downloaded (on its channel's connector). */
const MEDIA_DOWNLOAD_PATCH = 'download-inbound-media';
/** Runs with this marker answer with the AI route (routing step 6) when the workspace turned it on. */
const AI_ROUTE_PATCH = 'ai-route';
/** Runs with this marker let a burst's media downloads finish (a voice note is transcribed from its stored file) before the AI answers. */
const AI_MEDIA_WAIT_PATCH = 'ai-waits-for-media';
/** From this marker on, an opt-out or opt-in word is answered before any route (workflows/opt-out.ts). */
const OPT_OUT_PATCH = 'opt-out';
/** From this marker on, messages go to the conversation's flow run or start one (routing steps 3 and 4). */
const FLOWS_PATCH = 'flows';
/**
 * From this marker on, an opt-out word (UNSUBSCRIBE, or STOP when the cancel word is another) ends the
 * conversation's flow run as the cancel word does. The cancel word that is also an opt-out word does
 * both, as before: STOP is the contact's request to hear no more and is never swallowed by a flow.
 */
const FLOW_ENDS_ON_OPT_OUT_PATCH = 'flow-ends-on-opt-out';
/**
 * From this marker on, a run's end reaches the conversation run that started it by the child's
 * completion (the run sends no `ended` notice: a signal and a task on each side less per run), and a
 * run held across a continue-as-new is looked up in Postgres where it would keep a new one from starting.
 */
const FLOW_END_BY_COMPLETION_PATCH = 'flow-end-by-child-completion';
/** How long the AI route waits for a burst's media downloads before answering without them. */
const AI_MEDIA_WAIT_MS = 60_000;

const db = wf.proxyLocalActivities<PersistenceActivities>(quickIo);
const effects = wf.proxyLocalActivities<CommandActivities>(quickIo);
const aiSteps = wf.proxyLocalActivities<AiActivities>(aiStep);
const model = wf.proxyLocalActivities<AiActivities>(aiModelCall);
const flowDb = wf.proxyLocalActivities<FlowActivities>(quickIo);

interface Run {
  state: ConversationState;
  input: ConversationInput;
  channel: MessagingActivities;
  media: MediaActivities;
  /** Media downloads under way: they run beside the conversation and never hold a reply up. */
  downloading: number;
  /** When the last event was handled (epoch ms): the idle deadline counts from it. */
  lastActivity: number;
}

/** One per contact per channel; id = the conversation's stored workflow_id (ids.ts conversationWorkflowId). */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const state: ConversationState = input.state ?? {
    mode: input.context?.mode ?? 'BOT',
    rules: input.context?.rules ?? null,
    settings: input.context?.settings ?? null,
    settingsVersion: input.context?.settingsVersion ?? null,
    ai: input.context?.ai ?? null,
    flows: input.context?.flows ?? null,
    flow: input.context?.activeFlowRun ?? null,
    drafts: [],
    seen: [],
    commands: [],
    queue: [],
    handled: 0,
    sla: null,
  };
  state.commands ??= [];
  const channel = wf.proxyActivities<MessagingActivities>({ ...channelSend, taskQueue: channelTaskQueue(input.channelId) });
  const media = wf.proxyActivities<MediaActivities>({ ...mediaDownload, taskQueue: channelTaskQueue(input.channelId) });
  const run: Run = { state, input, channel, media, downloading: 0, lastActivity: Date.now() };
  let ready = false;
  let applying: Promise<unknown> = Promise.resolve();

  wf.setHandler(inboundSignal, (message) => enqueueUnlessSeen(state, message));
  wf.setHandler(commandUpdate, async (command) => {
    // A command that started this run waits for the mode read from Postgres, or it would be overwritten.
    await wf.condition(() => ready);
    // One command's effect at a time, in arrival order: Postgres ends with the workflow's last mode.
    const turn = applying.then(() => applyCommand(run, command));
    applying = turn.catch(() => undefined);
    return turn;
  });
  wf.setHandler(agentMessageSignal, ({ messageId }) => void state.queue.push({ type: 'agentMessage', messageId }));
  wf.setHandler(takeOverSignal, () => void state.queue.push({ type: 'takeOver' }));
  wf.setHandler(releaseSignal, () => void state.queue.push({ type: 'release' }));
  wf.setHandler(stateQuery, () => state);
  wf.setHandler(startFlowSignal, ({ flowId, flowRunId }) => void state.queue.push({ type: 'startFlow', flowId, flowRunId }));
  wf.setHandler(flowRunNoticeSignal, (notice) => {
    if (state.flow?.flowRunId !== notice.flowRunId) return;
    if (notice.handover) state.queue.push({ type: 'flowHandover', note: notice.handover.note });
    if (notice.ended) state.flow = null;
    else if (notice.waiting !== undefined) state.flow.waiting = notice.waiting;
  });

  const nextDeadlineLoop = wf.patched(NEXT_DEADLINE_PATCH);
  if (!state.rules || !state.settings) await refreshContext(state, input, true);
  ready = true;
  const ended = nextDeadlineLoop ? await deadlineLoop(run) : await timerPairLoop(run);
  await wf.condition(wf.allHandlersFinished);
  // Downloads under way end in this run, unless a message comes in meanwhile: it must not wait for them
  // (an attempt under way still stores its file; only its retries are given up).
  await wf.condition(() => run.downloading === 0 || state.queue.length > 0);
  // A command that came in as the conversation went idle may have queued a send: a new run makes it.
  if (ended && state.queue.length === 0) return;
  await wf.continueAsNew<typeof conversationWorkflow>({ ...input, context: undefined, state });
}

/** Handles events and deadlines until the run should continue as new (false) or the conversation went idle (true). */
async function deadlineLoop(run: Run): Promise<boolean> {
  const { state } = run;
  const timer = deadlineTimer();
  let handledThisRun = 0;
  const deadline = () => nextDeadline({ sla: state.sla, idleAt: run.lastActivity + IDLE_MS });
  while (!wf.workflowInfo().continueAsNewSuggested && handledThisRun < EVENTS_PER_RUN) {
    if (state.queue.length === 0 && deadline().at > Date.now()) {
      timer.arm(deadline().at);
      await wf.condition(() => state.queue.length > 0 || timer.rang);
    }
    if (state.queue.length > 0) {
      handledThisRun += await handleNext(run);
      continue;
    }
    const due = deadline();
    // The timer rang for a deadline that has moved since (a message, an agent's reply): wait again.
    if (due.at > Date.now()) continue;
    switch (due.kind) {
      case 'sla':
        await slaPassed(state, run.input, run.channel);
        break;
      case 'idle':
        return true;
      default:
        return unhandled(due);
    }
  }
  return false;
}

/**
 * One durable timer for the nearest deadline, started again only when a nearer one appears: an
 * inbound message that only moves the idle deadline later costs no timer command.
 */
function deadlineTimer(): { readonly rang: boolean; arm(at: number): void } {
  let armed: { at: number; scope: wf.CancellationScope } | null = null;
  let rang = false;
  return {
    get rang() {
      return rang;
    },
    arm(at) {
      rang = false;
      if (armed && armed.at <= at) return;
      armed?.scope.cancel();
      const entry = { at, scope: new wf.CancellationScope() };
      armed = entry;
      entry.scope.run(() => wf.sleep(Math.max(1, at - Date.now()))).then(
        () => {
          if (armed !== entry) return;
          armed = null;
          rang = true;
        },
        // Cancelled: a nearer deadline replaced it.
        () => undefined,
      );
    },
  };
}

/**
 * The loop of runs recorded before NEXT_DEADLINE_PATCH: an SLA timer per wait plus one idle timer
 * per run. Kept command for command so those histories replay.
 */
async function timerPairLoop(run: Run): Promise<boolean> {
  const { state } = run;
  const idle = idleTimer();
  let handledThisRun = 0;
  while (!wf.workflowInfo().continueAsNewSuggested && handledThisRun < EVENTS_PER_RUN) {
    const ready = () => state.queue.length > 0 || idle.expired;
    if (state.sla && !(await wf.condition(ready, Math.max(0, state.sla.deadline - Date.now())))) {
      await slaPassed(state, run.input, run.channel);
      continue;
    }
    await wf.condition(ready);
    if (state.queue.length === 0) return true;
    idle.touch();
    handledThisRun += await handleNext(run);
  }
  return false;
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

/** The event at the front of the queue; returns how many events it handled. */
async function handleNext(run: Run): Promise<number> {
  const { state, input, channel } = run;
  run.lastActivity = Date.now();
  const event = state.queue.shift()!;
  if (event.type === 'startFlow' || event.type === 'flowHandover') {
    await handleFlowEvent(run, event);
    state.handled += 1;
    return 1;
  }
  // Messages that queued up while a send was out are answered together, in one send.
  if (event.type !== 'inbound') {
    await handle(state, input, event, channel);
    state.handled += 1;
    return 1;
  }
  const messages = [event.message, ...takeInbound(state.queue)];
  downloadMedia(run, messages);
  const count = await replyTo(run, messages);
  state.handled += count;
  return count;
}

function enqueueUnlessSeen(state: ConversationState, message: InboundMessage): void {
  if (state.seen.includes(message.externalId)) return;
  remember(state.seen, message.externalId, SEEN_LIMIT);
  state.queue.push({ type: 'inbound', message });
}

function remember(ids: string[], id: string, limit: number): void {
  ids.push(id);
  if (ids.length > limit) ids.splice(0, ids.length - limit);
}

/**
 * Applies one agent command: the workflow decides (mode, SLA, what to send), then its activity
 * writes the effect and marks the command applied. A command applied before (redelivered by the
 * outbox, even into a later run) changes nothing and answers the current state.
 */
async function applyCommand(run: Run, command: AgentCommand): Promise<CommandResult> {
  const { state, input } = run;
  const messageId = command.kind === 'TAKE_OVER' || command.kind === 'RELEASE' ? null : command.messageId;
  if (state.commands!.includes(command.commandId)) return { mode: state.mode, messageId };
  run.lastActivity = Date.now();
  const effect = { workspaceId: input.workspaceId, conversationId: input.conversationId, commandId: command.commandId };
  switch (command.kind) {
    case 'TAKE_OVER':
      state.mode = 'HUMAN';
      await effects.applyCommandEffect({ ...effect, mode: state.mode, clearSla: false });
      await pauseFlowRun(state, true);
      break;
    case 'RELEASE':
      state.mode = 'BOT';
      state.sla = null;
      await effects.applyCommandEffect({ ...effect, mode: state.mode, clearSla: true });
      await pauseFlowRun(state, false);
      break;
    case 'SEND_MESSAGE':
      state.sla = null;
      state.queue.push({ type: 'send', message: { messageId: command.messageId, idempotencyKey: agentMessageKey(command.messageId), senderType: 'HUMAN' } });
      await effects.applyCommandEffect({ ...effect, mode: state.mode, clearSla: true });
      break;
    case 'RESEND_MESSAGE': {
      const idempotencyKey = resendKey(command.messageId, command.resendNumber);
      const { copy } = await effects.applyCommandEffect({ ...effect, mode: state.mode, clearSla: false, resend: { messageId: command.messageId, idempotencyKey } });
      state.queue.push({ type: 'send', message: { messageId: copy!.id, idempotencyKey, senderType: copy!.senderType === 'HUMAN' ? 'HUMAN' : 'BOT' } });
      remember(state.commands!, command.commandId, COMMANDS_LIMIT);
      return { mode: state.mode, messageId: copy!.id };
    }
    case 'APPROVE_DRAFT':
    case 'REJECT_DRAFT': {
      const approve = command.kind === 'APPROVE_DRAFT';
      const draft = { messageId: command.messageId, approve, text: command.kind === 'APPROVE_DRAFT' ? command.text : null };
      const { approved } = await effects.applyCommandEffect({ ...effect, mode: state.mode, clearSla: false, draft });
      state.drafts = (state.drafts ?? []).filter((id) => id !== command.messageId);
      // Only the approval that moved the draft (or a retry of it) finds it unsent; the send's state machine sends a row once.
      if (approved) state.queue.push({ type: 'send', message: { messageId: command.messageId, idempotencyKey: approved.idempotencyKey, senderType: 'BOT' } });
      break;
    }
    default:
      return unhandled(command);
  }
  remember(state.commands!, command.commandId, COMMANDS_LIMIT);
  return { mode: state.mode, messageId };
}

/** Every event but an inbound message (those go to replyTo, batched). */
async function handle(
  state: ConversationState,
  input: ConversationInput,
  event: Exclude<ConversationEvent, { type: 'inbound' | 'startFlow' | 'flowHandover' }>,
  channel: MessagingActivities,
): Promise<void> {
  switch (event.type) {
    case 'send':
      return send(input, channel, [event.message]);
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
    default:
      return unhandled(event);
  }
}

/** The inbound messages at the front of the queue (up to the first other event, which must wait its turn). */
function takeInbound(queue: ConversationEvent[]): InboundMessage[] {
  const taken: InboundMessage[] = [];
  while (queue[0]?.type === 'inbound') taken.push((queue.shift() as { message: InboundMessage }).message);
  return taken;
}

/**
 * Starts the download of each message's media, not waited for: the reply goes out beside it (the
 * activity tasks are scheduled in the same workflow task). A download that fails for good leaves
 * the message without stored media (the activity records why).
 */
function downloadMedia(run: Run, messages: InboundMessage[]): void {
  for (const message of messages) {
    if (!message.hasMedia || !wf.patched(MEDIA_DOWNLOAD_PATCH)) continue;
    run.downloading++;
    run.media
      .downloadMedia({ workspaceId: run.input.workspaceId, conversationId: run.input.conversationId, messageId: message.messageId })
      .catch((err) => wf.log.warn('media download gave up', { messageId: message.messageId, error: String(err) }))
      .finally(() => run.downloading--);
  }
}

/** Routes each message in order and sends the replies, in that order, in one activity. Returns how many it handled. */
async function replyTo(run: Run, messages: InboundMessage[]): Promise<number> {
  const { state, input, channel } = run;
  // The workspace's rules or settings changed since they were read: read them again first.
  if (messages.some((m) => isNewer(m.settingsVersion, state.settingsVersion))) await refreshContext(state, input, false);
  const { replies, forAi } = routeEach(state, await optOutFirst(run, await flowFirst(run, messages)));
  if (replies.length) await send(input, channel, replies);
  return messages.length + (forAi.length ? await answerWithAi(run, forAi) : 0);
}

/**
 * Right after the blocked check (a blocked contact's messages are dropped): an opt-out or opt-in word
 * changes the contact's opt-out and is answered with its confirmation, and routes no further.
 * Returns the messages left to route.
 */
async function optOutFirst(run: Run, messages: InboundMessage[]): Promise<InboundMessage[]> {
  const { state, input, channel } = run;
  const rest: InboundMessage[] = [];
  for (const message of messages) {
    const decision = message.contactBlocked ? null : optOutDecision(message.text, state.settings as OptOutSettings | null);
    // The marker is asked for only on an opt-out word, so histories without one replay as they ran.
    if (!decision || !wf.patched(OPT_OUT_PATCH)) {
      rest.push(message);
      continue;
    }
    await db.setContactOptOut({ workspaceId: input.workspaceId, conversationId: input.conversationId, optedOut: decision.optedOut });
    await send(input, channel, [{ idempotencyKey: botReplyKey(message.messageId), senderType: 'BOT', text: decision.reply, replyToId: message.messageId }]);
  }
  return rest;
}

/** Routes each message in order: the replies to send, and the messages routing step 6 gives the AI. */
function routeEach(state: ConversationState, messages: InboundMessage[]): { replies: OutgoingMessage[]; forAi: InboundMessage[] } {
  const replies: OutgoingMessage[] = [];
  const forAi: InboundMessage[] = [];
  // The marker is asked for only once AI is on, so histories from before AI replies take the same path.
  const ai = state.ai?.enabled && wf.patched(AI_ROUTE_PATCH) ? state.ai : null;
  for (const message of messages) {
    const deadline = slaDeadlineAfterInbound(state.sla?.deadline ?? null, state.mode, state.settings!, Date.now());
    if (deadline !== null && !state.sla && !message.contactBlocked) state.sla = { deadline, messageId: message.messageId };
    const route = routeInbound({
      text: message.text,
      contactBlocked: message.contactBlocked,
      mode: state.mode,
      rules: state.rules ?? [],
      settings: state.settings!,
      ai,
      now: new Date(),
    });
    if (route.kind === 'ai') forAi.push(message);
    const reply = replyFor(route, message);
    if (reply) replies.push(reply);
  }
  return { replies, forAi };
}

/**
 * Routing step 6. Waits for a quiet window (a durable timer: messages closer than debounceSeconds
 * are answered together, once), then retrieve → generate → validate → send, or holds the reply as
 * a draft, or hands over to a human. Returns how many more messages it took from the queue.
 */
async function answerWithAi(run: Run, burst: InboundMessage[]): Promise<number> {
  const { state, input, channel } = run;
  let taken = 0;
  const quietMs = (state.ai?.debounceSeconds ?? 0) * 1000;
  while (quietMs > 0 && (await wf.condition(() => state.queue[0]?.type === 'inbound', quietMs))) {
    const more = takeInbound(state.queue);
    taken += more.length;
    downloadMedia(run, more);
    if (more.some((m) => isNewer(m.settingsVersion, state.settingsVersion))) await refreshContext(state, input, false);
    const routed = routeEach(state, await optOutFirst(run, await flowFirst(run, more)));
    if (routed.replies.length) await send(input, channel, routed.replies);
    burst.push(...routed.forAi);
  }
  // An agent took over while the customer was still typing, or the burst's later messages went elsewhere.
  if (state.mode !== 'BOT' || burst.length === 0) return taken;
  if (run.downloading > 0 && burst.some((m) => m.hasMedia) && wf.patched(AI_MEDIA_WAIT_PATCH)) await wf.condition(() => run.downloading === 0, AI_MEDIA_WAIT_MS);
  const last = burst[burst.length - 1];
  const where = { workspaceId: input.workspaceId, conversationId: input.conversationId };
  const turn = await aiSteps.retrieveAiContext({ ...where, messageIds: burst.map((m) => m.messageId) });
  if (!turn) return taken;
  const result = await model.generateAiReply({ workspaceId: input.workspaceId, prompt: turn.prompt, temperature: turn.temperature });
  if (state.mode !== 'BOT') return taken;
  const decision = await aiSteps.validateAiReply({ ...where, channelId: input.channelId, replyToId: last.messageId, idempotencyKey: botReplyKey(last.messageId), turn, result });
  switch (decision.kind) {
    case 'escalate': {
      state.mode = 'HUMAN';
      const deadline = slaDeadlineAfterInbound(null, 'HUMAN', state.settings!, Date.now());
      if (deadline !== null && !state.sla) state.sla = { deadline, messageId: burst[0].messageId };
      await effects.handOverToHuman({ ...where, reason: decision.reason });
      await send(input, channel, [{ idempotencyKey: handoverKey(last.messageId), senderType: 'BOT', text: decision.handoverMessage, replyToId: last.messageId }]);
      break;
    }
    case 'reply':
      if (decision.draft) remember((state.drafts ??= []), decision.messageId, COMMANDS_LIMIT);
      else await send(input, channel, [{ messageId: decision.messageId, idempotencyKey: decision.idempotencyKey, senderType: 'BOT' }]);
      break;
    default:
      return unhandled(decision);
  }
  return taken;
}

/** What the bot sends for a route; every route kind is handled here or this fails to compile. */
function replyFor(route: Route, message: InboundMessage): OutgoingMessage | null {
  switch (route.kind) {
    case 'keyword':
    case 'default':
    case 'away':
      return { idempotencyKey: botReplyKey(message.messageId), senderType: 'BOT', text: route.reply, replyToId: message.messageId };
    case 'ai':
    case 'drop':
    case 'human':
    case 'none':
      return null;
    default:
      return unhandled(route);
  }
}

/** Compile-time exhaustiveness: a new kind makes its caller's `switch` fail to type-check until handled. */
function unhandled(value: never): never {
  throw wf.ApplicationFailure.nonRetryable(`unhandled ${JSON.stringify(value)}`);
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
  state.ai = context.ai ?? null;
  state.flows = context.flows ?? null;
  if (includeMode) state.flow = context.activeFlowRun ?? null;
  // Only a fresh run takes the mode from Postgres (which only this workflow's commands write); after that the workflow is the truth.
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
    // The send gave up (a day of retries, the connector gone): what is still PENDING or SENDING shows FAILED, with why,
    // or UNCERTAIN if an attempt may be on a wire that deduplicates nothing (markMessageFailed decides per channel).
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

/**
 * Routing steps 3 and 4, after the blocked check and human mode (those messages route on as before):
 * the cancel keyword ends the conversation's run; a message while the run waits for an answer is
 * its answer; otherwise a live flow whose trigger matches starts a run. Returns the messages left
 * for the later steps (a run busy on a delay lets them through, and starts nothing new).
 */
async function flowFirst(run: Run, messages: InboundMessage[]): Promise<InboundMessage[]> {
  const { state, input } = run;
  // The marker is asked for only once flows are in play, so histories from before them replay as they ran.
  if (!state.flow && !state.flows?.length) return messages;
  if (!wf.patched(FLOWS_PATCH)) return messages;
  const rest: InboundMessage[] = [];
  // Only a conversation the ingress just created starts with its context: its first message ever.
  let first = !input.state && input.context !== undefined && state.handled === 0;
  for (const message of messages) {
    const firstMessage = first;
    first = false;
    if (message.contactBlocked || state.mode !== 'BOT') {
      rest.push(message);
      continue;
    }
    const active = state.flow;
    if (active) {
      const cancel = isFlowCancel(message.text, state.settings?.flowCancelKeyword ?? 'stop');
      const optOut = optOutDecision(message.text, state.settings as OptOutSettings | null);
      // An opt-out word ends the run too: a contact who unsubscribes mid-flow gets no next question (the marker only then, so older histories replay).
      const optsOut = !cancel && optOut?.optedOut === true && wf.patched(FLOW_ENDS_ON_OPT_OUT_PATCH);
      if (cancel || optsOut) {
        state.flow = null;
        await signalFlowRun(active.flowRunId, flowCancelSignal, { reason: cancel ? 'the contact sent the cancel keyword' : 'the contact opted out' });
        // The same word may opt the contact out too (STOP, the default of both): that still applies, and is answered.
        if (optOut) rest.push(message);
        continue;
      }
      if (active.waiting) {
        active.waiting = false;
        const delivered = await signalFlowRun(active.flowRunId, flowReplySignal, { messageId: message.messageId, text: message.text, replyId: message.replyId ?? null });
        if (delivered) continue;
        // The run is gone (ended while its notice was on the way): the message routes on.
        state.flow = null;
        rest.push(message);
        continue;
      }
    }
    const flow = matchFlowTrigger({ text: message.text, hasMedia: message.hasMedia ?? false, firstMessage }, state.flows ?? []);
    // A run busy on a delay lets the message through; one that ended unheard is let go for the flow it starts.
    if (active && !(flow && (await heldFlowRunEnded(run)))) {
      rest.push(message);
      continue;
    }
    if (flow && (await startFlowRun(run, flow.flowId, wf.uuid4(), message))) continue;
    rest.push(message);
  }
  return rest;
}

/**
 * Records a run (activities/flows) and starts its workflow as a child that outlives this run of the
 * conversation (ABANDON: a conversation continues as new and goes idle; its flow run goes on).
 * False when the flow is not live any more or another run is active.
 */
async function startFlowRun(run: Run, flowId: string, flowRunId: string, message: InboundMessage | null): Promise<boolean> {
  const { state, input } = run;
  const start = await flowDb.startFlowRun({ workspaceId: input.workspaceId, conversationId: input.conversationId, flowId, flowRunId });
  if (!start) return false;
  // Set before the child starts: its first notice may be handled before the start resolves.
  state.flow = { flowRunId, waiting: false };
  const child = await wf.startChild(flowRunWorkflow, {
    workflowId: flowRunWorkflowId(flowRunId),
    parentClosePolicy: wf.ParentClosePolicy.ABANDON,
    args: [
      {
        workspaceId: input.workspaceId,
        channelId: input.channelId,
        conversationId: input.conversationId,
        contactKey: input.contactKey,
        flowId,
        flowRunId,
        version: start.version,
        definition: start.definition,
        contact: start.contact,
        labels: start.labels,
        startMessage: message ? { messageId: message.messageId, text: message.text, replyId: message.replyId ?? null } : null,
        paused: state.mode !== 'BOT',
      },
    ],
  });
  // The run's end, however it ends (older runs also sent an `ended` notice before it: nothing is left to clear then).
  const ended = () => {
    if (state.flow?.flowRunId === flowRunId && wf.patched(FLOW_END_BY_COMPLETION_PATCH)) state.flow = null;
  };
  void child.result().then(ended, ended);
  return true;
}

/**
 * Whether the run the conversation holds has ended after all. Its end reaches only the conversation
 * run that started it, so a run held across a continue-as-new is looked up in Postgres, only where it
 * would keep a new one from starting; the held run is let go (or becomes the one Postgres has).
 */
async function heldFlowRunEnded(run: Run): Promise<boolean> {
  const { state, input } = run;
  if (!state.flow) return true;
  if (!wf.patched(FLOW_END_BY_COMPLETION_PATCH)) return false;
  const current = await flowDb.activeFlowRun({ workspaceId: input.workspaceId, conversationId: input.conversationId });
  if (current?.flowRunId === state.flow.flowRunId) return false;
  state.flow = current;
  return current === null;
}

async function handleFlowEvent(run: Run, event: Extract<ConversationEvent, { type: 'startFlow' | 'flowHandover' }>): Promise<void> {
  const { state, input } = run;
  wf.patched(FLOWS_PATCH);
  switch (event.type) {
    case 'startFlow':
      if (state.flow && !(await heldFlowRunEnded(run))) return wf.log.warn('startFlow: the conversation already has a flow run', { flowRunId: state.flow!.flowRunId });
      if (!(await startFlowRun(run, event.flowId, event.flowRunId, null))) wf.log.warn('startFlow: the flow is not live', { flowId: event.flowId });
      return;
    case 'flowHandover': {
      state.mode = 'HUMAN';
      const deadline = slaDeadlineAfterInbound(null, 'HUMAN', state.settings!, Date.now());
      if (deadline !== null && !state.sla) state.sla = { deadline, messageId: state.flow?.flowRunId ?? '' };
      await effects.handOverToHuman({ workspaceId: input.workspaceId, conversationId: input.conversationId, reason: event.note ?? 'A flow handed the conversation over' });
      return;
    }
    default:
      return unhandled(event);
  }
}

/** Takeover pauses the run's questions (their timeouts stop), release resumes them. */
async function pauseFlowRun(state: ConversationState, paused: boolean): Promise<void> {
  if (!state.flow || !wf.patched(FLOWS_PATCH)) return;
  await signalFlowRun(state.flow.flowRunId, flowPauseSignal, { paused });
}

/** Signals the run; false when it is not running any more. */
async function signalFlowRun<T>(flowRunId: string, signal: wf.SignalDefinition<[T]>, arg: T): Promise<boolean> {
  try {
    await wf.getExternalWorkflowHandle(flowRunWorkflowId(flowRunId)).signal(signal, arg);
    return true;
  } catch (err) {
    wf.log.info('flow run not running', { flowRunId, error: String(err) });
    return false;
  }
}
