import * as wf from '@temporalio/workflow';
import type { FlowActivities, FlowStep } from '../activities/flows/flows.activities';
import type { MessagingActivities, OutgoingMessage } from '../activities/messaging.activities';
import type { AiActivities, FlowAiStep } from '../activities/ai/ai.activities';
import type { FlowRunStatus } from '../schema/entities/flow-run.entity';
import type { FlowDefinition, FlowNode, QuestionData } from './flows/definition';
import type { TemplateScope } from './flows/variables';
import { afterWrongAnswer, checkAnswer, enterNode, findNode, nextNode, pickPath, replyBranch, triggerNode, type RenderedMessage, type Reply, type Step } from './flows/flow-graph';
import { channelTaskQueue, flowMessageKey } from './ids';
import { aiModelCall, aiStep, channelSend, flowIo, flowWebhook } from './presets';

/** The contact's message, forwarded by the conversation workflow while the run waits for an answer. */
export interface FlowReply extends Reply {
  messageId: string;
}

export interface FlowRunInput {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  contactKey: string;
  flowId: string;
  flowRunId: string;
  version: number;
  /** The published version as it was when the run started: republishing never changes a run in progress. */
  definition: FlowDefinition;
  contact: TemplateScope['contact'];
  labels: string[];
  /** The message that started the run (null: started by the API). */
  startMessage: FlowReply | null;
  /** The conversation is with a human as the run starts: it waits for the release. */
  paused: boolean;
  /** Carried across continue-as-new. */
  state?: FlowRunState;
}

export interface FlowRunState {
  nodeId: string;
  variables: Record<string, unknown>;
  /** Entries per node: a send's idempotency key names the visit, so a loop's second pass is a new message. */
  visits: Record<string, number>;
  labels: string[];
  /** The last message of the contact the run saw (conditions on `text` read it). */
  lastText: string;
  lastMessageId: string | null;
  paused: boolean;
  cancelled: boolean;
  /** Answers waiting to be read; only kept while the run asks. */
  inbox: FlowReply[];
  asking: boolean;
  /** Steps recorded (flow_runs.steps). */
  steps: number;
  status: FlowRunStatus;
}

/** What the run tells its conversation: it waits for an answer, hands over, or ended. */
export interface FlowRunNotice {
  flowRunId: string;
  waiting?: boolean;
  ended?: boolean;
  handover?: { note: string | null };
}

export const flowReplySignal = wf.defineSignal<[FlowReply]>('flowReply');
/** The cancel keyword, cancelFlowRun, or the flow deleted. */
export const flowCancelSignal = wf.defineSignal<[{ reason: string }]>('flowCancel');
/** An agent took the conversation over (true) or released it (false): questions wait, timeouts do not run. */
export const flowPauseSignal = wf.defineSignal<[{ paused: boolean }]>('flowPause');
export const flowRunStateQuery = wf.defineQuery<FlowRunState>('flowRunState');
/** Sent by a run to its conversation workflow (conversation.workflow.ts handles it). */
export const flowRunNoticeSignal = wf.defineSignal<[FlowRunNotice]>('flowRunNotice');

/**
 * From this marker on, a run writes fewer steps (each a local activity and a Postgres transaction):
 * a reply is not recorded on its own (what follows it always records), and the move to the next node
 * goes with that node's own record (a question's WAITING) when nothing else happens in between.
 * On the way from an answer to the flow's next message and from the trigger to the question (bench/flows).
 */
const FEWER_RECORDS_PATCH = 'flow-fewer-records';

/** From this marker on, the run's end reaches its conversation by the child's completion, not an `ended` notice (conversation.workflow.ts). */
const ENDED_BY_COMPLETION_PATCH = 'flow-end-by-child-completion';

const flows = wf.proxyLocalActivities<FlowActivities>(flowIo);
const aiSteps = wf.proxyLocalActivities<AiActivities>(aiStep);
const model = wf.proxyLocalActivities<AiActivities>(aiModelCall);

class Cancelled extends Error {}

/** One run of one published flow version; id = flowRunWorkflowId(flowRunId), a child of its conversation. */
export async function flowRunWorkflow(input: FlowRunInput): Promise<void> {
  const start = triggerNode(input.definition);
  const state: FlowRunState = input.state ?? {
    nodeId: start?.id ?? '',
    variables: {},
    visits: {},
    labels: input.labels,
    lastText: input.startMessage?.text ?? '',
    lastMessageId: input.startMessage?.messageId ?? null,
    paused: input.paused,
    cancelled: false,
    inbox: [],
    asking: false,
    steps: 0,
    status: 'RUNNING',
  };
  let cancelReason = '';
  wf.setHandler(flowReplySignal, (reply) => {
    if (state.asking) state.inbox.push(reply);
  });
  wf.setHandler(flowCancelSignal, ({ reason }) => {
    state.cancelled = true;
    cancelReason = reason;
  });
  wf.setHandler(flowPauseSignal, ({ paused }) => void (state.paused = paused));
  wf.setHandler(flowRunStateQuery, () => state);
  const run = new FlowRun(input, state);

  let node = findNode(input.definition, state.nodeId);
  if (!node) return run.finish('FAILED', null, `the flow has no node ${JSON.stringify(state.nodeId)} to start at`);
  try {
    for (;;) {
      await run.unpaused();
      const entered = node.id;
      const branch = await run.step(node);
      if (branch === END) return await run.finish('COMPLETED', entered);
      const next = nextNode(input.definition, node.id, branch);
      if (!next) return await run.finish('COMPLETED', entered);
      await run.move(entered, next.id);
      state.nodeId = next.id;
      node = next;
      if (wf.workflowInfo().continueAsNewSuggested) break;
    }
  } catch (err) {
    if (err instanceof Cancelled) return await run.finish('CANCELLED', null, cancelReason || 'cancelled');
    if (wf.isCancellation(err)) throw err;
    const reason = err instanceof wf.ActivityFailure ? (err.cause?.message ?? err.message) : err instanceof Error ? err.message : String(err);
    return await run.finish('FAILED', null, reason);
  }
  // A long run (a loop with a question in it) goes on in a fresh history, at the node it reached.
  await run.flush();
  await wf.condition(wf.allHandlersFinished);
  await wf.continueAsNew<typeof flowRunWorkflow>({ ...input, state });
}

const END = Symbol('end');

/** The I/O of one run: what flow-graph.ts decides, done. */
class FlowRun {
  private readonly channel: MessagingActivities;
  /** A move to the next node not written yet: the next record takes it along, other I/O writes it first. */
  private moved: { completed: string; entered: string } | null = null;

  constructor(
    private readonly input: FlowRunInput,
    private readonly state: FlowRunState,
  ) {
    this.channel = wf.proxyActivities<MessagingActivities>({ ...channelSend, taskQueue: channelTaskQueue(input.channelId) });
  }

  /** Enters `node` (counted entered before this by the caller or the start) and returns the branch it leaves by. */
  async step(node: FlowNode): Promise<string | null | typeof END> {
    const state = this.state;
    const visit = (state.visits[node.id] = (state.visits[node.id] ?? 0) + 1);
    if (state.steps === 0) await this.record('RUNNING', node.id, { entered: node.id });
    const step = enterNode(node, this.scope(), { text: state.lastText, variables: state.variables, fields: this.input.contact.fields ?? {}, labels: state.labels });
    return this.perform(node, visit, step);
  }

  private async perform(node: FlowNode, visit: number, step: Step): Promise<string | null | typeof END> {
    const state = this.state;
    switch (step.kind) {
      case 'go':
        return step.branch;
      case 'set':
        state.variables[step.name] = step.value;
        return null;
      case 'send': {
        if (!step.waitForReply) {
          await this.send(flowMessageKey(this.input.flowRunId, node.id, visit), step.message);
          return null;
        }
        await this.startAsking(node.id);
        await this.send(flowMessageKey(this.input.flowRunId, node.id, visit), step.message);
        const reply = await this.awaitReply(null);
        return reply === 'timeout' ? null : replyBranch(step.message, reply);
      }
      case 'ask':
        return this.ask(node, visit, step.message, step.timeoutSeconds);
      case 'sleep':
        await this.record('WAITING', node.id);
        if (await wf.condition(() => state.cancelled, step.seconds * 1000)) throw new Cancelled();
        await this.record('RUNNING', node.id);
        return null;
      case 'tag': {
        await this.flush();
        const { labels } = await flows.applyFlowTags({ workspaceId: this.input.workspaceId, conversationId: this.input.conversationId, add: step.add, remove: step.remove });
        state.labels = labels;
        return null;
      }
      case 'webhook': {
        const call = wf.proxyActivities<FlowActivities>(flowWebhook(step.request.retries));
        await this.flush();
        try {
          const result = await call.callFlowWebhook({ workspaceId: this.input.workspaceId, flowRunId: this.input.flowRunId, request: step.request });
          if (step.request.saveAs) state.variables[step.request.saveAs] = pickPath(result.body, step.request.responsePath) ?? null;
          return 'success';
        } catch (err) {
          if (!(err instanceof wf.ActivityFailure)) throw err;
          // The error branch can tell the contact why; the run's variables show it too.
          state.variables.webhookError = err.cause?.message ?? err.message;
          return 'error';
        }
      }
      case 'ai':
        return this.answerWithAi(node, visit, { instructions: step.prompt, knowledgeBaseId: step.knowledgeBaseId });
      case 'handover':
        state.paused = true;
        await this.notify({ handover: { note: step.note } });
        return null;
      case 'end':
        return END;
    }
  }

  /** A question: asks, checks each answer (asking again with the error while retries remain), saves it. */
  private async ask(node: FlowNode, visit: number, message: RenderedMessage, timeoutSeconds: number | null): Promise<string | null> {
    const question = node.data as QuestionData;
    const state = this.state;
    await this.startAsking(node.id);
    await this.send(flowMessageKey(this.input.flowRunId, node.id, visit), message);
    let deadlineMs = timeoutSeconds === null ? null : timeoutSeconds * 1000;
    for (let wrong = 0; ; ) {
      const reply = await this.awaitReply(deadlineMs === null ? null : { remainingMs: deadlineMs, update: (ms) => (deadlineMs = ms) });
      if (reply === 'timeout') return 'timeout';
      const check = checkAnswer(question, reply);
      if (check.ok) {
        state.variables[question.saveAs] = check.value;
        return null;
      }
      wrong++;
      if (afterWrongAnswer(question, wrong) === 'invalid') return 'invalid';
      await this.startAsking(node.id);
      await this.send(flowMessageKey(this.input.flowRunId, node.id, visit, `retry-${wrong}`), { ...message, text: `${check.error}\n\n${message.text}` });
    }
  }

  /** From here the conversation forwards the contact's messages to the run (a signal to it, before the question goes out). */
  private async startAsking(nodeId: string): Promise<void> {
    this.state.asking = true;
    this.state.inbox = [];
    await this.record('WAITING', nodeId);
    await this.notify({ waiting: true });
  }

  /**
   * The next answer, or `timeout`. The timeout counts only while the run is not paused: time with a
   * human does not use it up (`timeout.update` keeps what is left across pauses and retries).
   */
  private async awaitReply(timeout: { remainingMs: number; update(ms: number): void } | null): Promise<FlowReply | 'timeout'> {
    const state = this.state;
    let remaining = timeout?.remainingMs ?? null;
    try {
      for (;;) {
        if (state.cancelled) throw new Cancelled();
        if (state.inbox.length > 0) {
          const reply = state.inbox.shift()!;
          state.lastText = reply.text;
          state.lastMessageId = reply.messageId;
          return reply;
        }
        if (state.paused) {
          await wf.condition(() => state.inbox.length > 0 || state.cancelled || !state.paused);
          continue;
        }
        if (remaining === null) {
          await wf.condition(() => state.inbox.length > 0 || state.cancelled || state.paused);
          continue;
        }
        const since = Date.now();
        const woke = await wf.condition(() => state.inbox.length > 0 || state.cancelled || state.paused, remaining);
        remaining = Math.max(0, remaining - (Date.now() - since));
        timeout?.update(remaining);
        if (!woke) return 'timeout';
      }
    } finally {
      state.asking = false;
      // What follows a reply always records (the next node, the question asked again, the run's end).
      if (!state.cancelled && !wf.patched(FEWER_RECORDS_PATCH)) await this.record('RUNNING', state.nodeId);
    }
  }

  /**
   * An AI node: the workspace's AI answers the contact's last message, told the node's prompt and
   * grounded in its knowledge base (both only change the local activity's input: histories replay as
   * they ran); not on, or unsure: the `error` branch.
   */
  private async answerWithAi(node: FlowNode, visit: number, flowStep: FlowAiStep): Promise<string | null> {
    const where = { workspaceId: this.input.workspaceId, conversationId: this.input.conversationId };
    await this.flush();
    const messageId = this.state.lastMessageId;
    if (!messageId) {
      this.state.variables.aiError = 'the AI node has no message of the contact to answer';
      return 'error';
    }
    const turn = await aiSteps.retrieveAiContext({ ...where, messageIds: [messageId], flowStep });
    if (!turn) {
      this.state.variables.aiError = "AI replies are off for this workspace (Settings → AI), so the AI node can't answer";
      return 'error';
    }
    const result = await model.generateAiReply({ workspaceId: this.input.workspaceId, prompt: turn.prompt, temperature: turn.temperature });
    const idempotencyKey = flowMessageKey(this.input.flowRunId, node.id, visit, 'ai');
    const decision = await aiSteps.validateAiReply({ ...where, channelId: this.input.channelId, replyToId: messageId, idempotencyKey, turn, result });
    if (decision.kind === 'escalate') {
      this.state.variables.aiError = decision.reason;
      return 'error';
    }
    if (!decision.draft) await this.sendRows([{ messageId: decision.messageId, idempotencyKey: decision.idempotencyKey, senderType: 'BOT' }]);
    return null;
  }

  async unpaused(): Promise<void> {
    const state = this.state;
    // A pause may last days: the run's row shows where it waits.
    if (state.paused) await this.flush();
    await wf.condition(() => !state.paused || state.cancelled);
    if (state.cancelled) throw new Cancelled();
  }

  private scope(): TemplateScope {
    return { contact: this.input.contact, variables: this.state.variables };
  }

  private async send(idempotencyKey: string, message: RenderedMessage): Promise<void> {
    const details = message.buttons.length > 0 ? { buttons: message.buttons } : message.list ? { list: message.list } : undefined;
    const media = message.mediaUrl ? { type: mediaType(message.mediaUrl), media: { id: idempotencyKey, url: message.mediaUrl } } : {};
    await this.sendRows([{ idempotencyKey, senderType: 'BOT', text: message.text, ...(details ? { details } : {}), ...media }]);
  }

  private async sendRows(messages: OutgoingMessage[]): Promise<void> {
    await this.flush();
    await this.channel.sendMessages({ workspaceId: this.input.workspaceId, channelId: this.input.channelId, conversationId: this.input.conversationId, to: `+${this.input.contactKey}`, messages });
  }

  /** The run moves on from `from` to `to`: written now, or from FEWER_RECORDS_PATCH on with the next record. */
  async move(from: string, to: string): Promise<void> {
    if (!wf.patched(FEWER_RECORDS_PATCH)) return this.record('RUNNING', to, { completed: from, entered: to });
    await this.flush();
    this.moved = { completed: from, entered: to };
  }

  /** Writes a move left for the next record, before I/O the contact or another system may notice. */
  async flush(): Promise<void> {
    const moved = this.moved;
    if (!moved) return;
    this.moved = null;
    await this.record('RUNNING', moved.entered, moved);
  }

  async record(status: FlowRunStatus, currentNodeId: string | null, counts: Pick<FlowStep, 'entered' | 'completed' | 'dropped'> = {}, error: string | null = null): Promise<void> {
    const state = this.state;
    if (this.moved) {
      // One step counts each of entered / completed / dropped once: a second node's count is its own step.
      if (counts.entered || counts.completed) await this.flush();
      else {
        counts = { ...counts, ...this.moved };
        this.moved = null;
      }
    }
    state.steps += 1;
    state.status = status;
    await flows.recordFlowStep({
      workspaceId: this.input.workspaceId,
      flowId: this.input.flowId,
      flowRunId: this.input.flowRunId,
      step: state.steps,
      status,
      currentNodeId,
      variables: state.variables,
      error,
      ...counts,
    });
  }

  /** The run's end: completed leaves its last node completed; cancelled and failed runs drop out where they were. */
  async finish(status: 'COMPLETED' | 'CANCELLED' | 'FAILED', lastNodeId: string | null, error: string | null = null): Promise<void> {
    const at = this.state.nodeId || null;
    const counts = status === 'COMPLETED' ? { completed: lastNodeId } : { dropped: at };
    await this.record(status, at, counts, status === 'COMPLETED' ? null : error);
    if (wf.patched(ENDED_BY_COMPLETION_PATCH)) return;
    await this.notify({ ended: true });
  }

  /** Tells the conversation; one that went idle meanwhile has nothing to hear (it reads the run from Postgres when it starts). */
  private async notify(notice: Omit<FlowRunNotice, 'flowRunId'>): Promise<void> {
    await this.flush();
    try {
      // The parent is the conversation's workflow (its id names the conversation's row, or for older ones the contact: ids.ts).
      const conversation = wf.workflowInfo().parent?.workflowId;
      if (!conversation) return;
      await wf.getExternalWorkflowHandle(conversation).signal(flowRunNoticeSignal, { flowRunId: this.input.flowRunId, ...notice });
    } catch (err) {
      wf.log.info('conversation not running for a flow notice', { flowRunId: this.input.flowRunId, error: String(err) });
    }
  }
}

/** A message node's media type from its URL's extension (WhatsApp sends a document for anything else). */
function mediaType(url: string): OutgoingMessage['type'] {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  if (['jpg', 'jpeg', 'png', 'webp', 'gif'].includes(ext)) return 'IMAGE';
  if (['mp4', '3gp', 'mov'].includes(ext)) return 'VIDEO';
  if (['mp3', 'ogg', 'opus', 'm4a', 'aac', 'amr'].includes(ext)) return 'AUDIO';
  return 'DOCUMENT';
}
