/**
 * Stepping through a flow (issue 11), pure: which node comes next by which branch, what entering a
 * node asks the run to do, whether an answer is accepted, which branch a condition takes. The
 * flowRunWorkflow does the I/O these decisions name; keeping them here lets every node type and
 * every branch be tested without a worker. Regexes run on RE2 (safe-regex.ts): no answer and no
 * pattern can stall the workflow thread that steps a run.
 */
import { regexTest } from '../safe-regex';
import type { ConditionData, FlowDefinition, FlowNode, MessageData, QuestionData } from './definition';
import { renderTemplate, type TemplateScope } from './variables';

/** Wrong answers a question asks again for before its `invalid` branch, when it does not say. */
export const DEFAULT_QUESTION_RETRIES = 2;
/** Attempts after the first a webhook makes before its `error` branch, when it does not say. */
export const DEFAULT_WEBHOOK_RETRIES = 3;

/** What the run does on entering a node. */
export type Step =
  | { kind: 'send'; message: RenderedMessage; waitForReply: boolean }
  | { kind: 'ask'; message: RenderedMessage; timeoutSeconds: number | null }
  | { kind: 'go'; branch: string | null }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'set'; name: string; value: string }
  | { kind: 'tag'; add: string[]; remove: string[] }
  | { kind: 'webhook'; request: WebhookRequest }
  | { kind: 'ai'; prompt: string | null; knowledgeBaseId: string | null }
  | { kind: 'handover'; note: string | null }
  | { kind: 'end' };

export interface RenderedMessage {
  text: string;
  mediaUrl: string | null;
  buttons: { id: string; title: string }[];
  list: MessageData['list'] | null;
}

export interface WebhookRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  saveAs: string | null;
  responsePath: string | null;
  retries: number;
}

/** What a condition can look at: the message that reached the run, its variables, the contact's fields and labels. */
export interface ConditionContext {
  text: string;
  variables: Record<string, unknown>;
  fields: Record<string, unknown>;
  labels: string[];
}

/** The contact's reply to a question or a message with buttons: its text and, for a tapped button or list row, the id. */
export interface Reply {
  text: string;
  replyId?: string | null;
}

export type AnswerCheck = { ok: true; value: string | number } | { ok: false; error: string };

/** The flow's trigger node (validation guarantees exactly one in a published version). */
export function triggerNode(definition: FlowDefinition): FlowNode | null {
  return definition.nodes.find((n) => n.type === 'trigger') ?? null;
}

export function findNode(definition: FlowDefinition, nodeId: string): FlowNode | null {
  return definition.nodes.find((n) => n.id === nodeId) ?? null;
}

/**
 * The node `branch` leads to from `nodeId`: the edge named for it, else the node's default edge (no
 * handle, or `default`); null when the flow ends there. A branch without an edge of its own falls to
 * the default way on, so a button nobody wired still moves the run along.
 */
export function nextNode(definition: FlowDefinition, nodeId: string, branch: string | null): FlowNode | null {
  const out = definition.edges.filter((e) => e.source === nodeId);
  const named = branch === null ? undefined : out.find((e) => e.sourceHandle === branch);
  const edge = named ?? out.find((e) => !e.sourceHandle || e.sourceHandle === 'default');
  return edge ? findNode(definition, edge.target) : null;
}

/** What entering `node` asks of the run, its texts rendered with the run's variables and the contact. */
export function enterNode(node: FlowNode, scope: TemplateScope, condition: ConditionContext): Step {
  const render = (text: string) => renderTemplate(text, scope);
  switch (node.type) {
    case 'trigger':
      return { kind: 'go', branch: null };
    case 'message': {
      const message = renderMessage(node.data, render);
      return { kind: 'send', message, waitForReply: message.buttons.length > 0 || message.list !== null };
    }
    case 'question':
      return { kind: 'ask', message: questionMessage(node.data, render), timeoutSeconds: node.data.timeoutSeconds ?? null };
    case 'condition':
      return { kind: 'go', branch: conditionBranch(node.data, condition) };
    case 'delay':
      return { kind: 'sleep', seconds: node.data.seconds };
    case 'setVariable':
      return { kind: 'set', name: node.data.name, value: render(node.data.value) };
    case 'tag':
      return { kind: 'tag', add: node.data.add ?? [], remove: node.data.remove ?? [] };
    case 'webhook':
      return {
        kind: 'webhook',
        request: {
          method: node.data.method,
          url: render(node.data.url),
          headers: Object.fromEntries(Object.entries(node.data.headers ?? {}).map(([k, v]) => [k, render(v)])),
          body: node.data.body === undefined ? null : render(node.data.body),
          saveAs: node.data.saveAs ?? null,
          responsePath: node.data.responsePath ?? null,
          retries: node.data.retries ?? DEFAULT_WEBHOOK_RETRIES,
        },
      };
    case 'ai':
      return { kind: 'ai', prompt: node.data.prompt ? render(node.data.prompt) : null, knowledgeBaseId: node.data.knowledgeBaseId ?? null };
    case 'handover':
      return { kind: 'handover', note: node.data.note ? render(node.data.note) : null };
    case 'end':
      return { kind: 'end' };
  }
}

/** The branch a reply to a message with buttons or a list takes: the tapped id, or a typed title; else the default. */
export function replyBranch(message: RenderedMessage, reply: Reply): string | null {
  const options = [...message.buttons, ...(message.list?.rows ?? [])];
  const typed = reply.text.trim().toLowerCase();
  const chosen = options.find((o) => o.id === reply.replyId) ?? options.find((o) => o.title.trim().toLowerCase() === typed);
  return chosen?.id ?? null;
}

/** Whether a question accepts `reply`, and the value saved (a number for `number`, E.164-ish digits for `phone`, ISO for `date`). */
export function checkAnswer(question: QuestionData, reply: Reply): AnswerCheck {
  const text = reply.text.trim();
  const refuse = (fallback: string): AnswerCheck => ({ ok: false, error: question.errorMessage ?? fallback });
  if (!text) return refuse('Please answer with some text.');
  if (question.validation && !regexTest(question.validation, text)) return refuse("That doesn't look right, please try again.");
  switch (question.input) {
    case 'text':
      return { ok: true, value: text };
    case 'number': {
      const n = Number(text.replace(',', '.'));
      return Number.isFinite(n) && /\d/.test(text) ? { ok: true, value: n } : refuse('Please answer with a number.');
    }
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? { ok: true, value: text.toLowerCase() } : refuse('Please answer with an email address, like name@example.com.');
    case 'phone': {
      const digits = text.replace(/[\s().-]/g, '');
      return /^\+?\d{6,15}$/.test(digits) ? { ok: true, value: digits } : refuse('Please answer with a phone number.');
    }
    case 'date': {
      const date = parseDate(text);
      return date ? { ok: true, value: date } : refuse('Please answer with a date, like 2026-12-24 or 24/12/2026.');
    }
    case 'choice': {
      const choices = question.choices ?? [];
      const byId = choiceId(reply.replyId);
      const chosen = (byId !== null ? choices[byId] : undefined) ?? choices.find((c) => c.trim().toLowerCase() === text.toLowerCase());
      return chosen !== undefined ? { ok: true, value: chosen } : refuse(`Please choose one of: ${choices.join(', ')}.`);
    }
  }
}

/**
 * After a wrong answer: ask again (with the error) while retries remain, else the `invalid` branch.
 * `wrongSoFar` counts this one.
 */
export function afterWrongAnswer(question: QuestionData, wrongSoFar: number): 'retry' | 'invalid' {
  return wrongSoFar <= (question.retries ?? DEFAULT_QUESTION_RETRIES) ? 'retry' : 'invalid';
}

/** The first matching rule's id, else `default`. */
export function conditionBranch(data: ConditionData, ctx: ConditionContext): string {
  for (const rule of data.rules) if (ruleMatches(rule.op, subjectValue(rule.subject, ctx), rule.value ?? '')) return rule.id;
  return 'default';
}

/** A webhook response's value at a dotted path (`order.status`, `items.0.name`); the whole body without one. */
export function pickPath(body: unknown, path: string | null): unknown {
  if (!path) return body;
  let value = body;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function renderMessage(data: MessageData, render: (text: string) => string): RenderedMessage {
  return {
    text: render(data.text),
    mediaUrl: data.mediaUrl ? render(data.mediaUrl) : null,
    buttons: data.buttons ?? [],
    list: data.list ?? null,
  };
}

/** A choice question offers its choices as buttons (up to 3, WhatsApp's limit) or as a list. */
function questionMessage(data: QuestionData, render: (text: string) => string): RenderedMessage {
  const choices = data.input === 'choice' ? (data.choices ?? []) : [];
  const options = choices.map((title, i) => ({ id: `choice:${i}`, title }));
  return {
    text: render(data.text),
    mediaUrl: null,
    buttons: options.length > 0 && options.length <= 3 ? options : [],
    list: options.length > 3 ? { button: 'Choose', rows: options } : null,
  };
}

function choiceId(replyId: string | null | undefined): number | null {
  const match = /^choice:(\d+)$/.exec(replyId ?? '');
  return match ? Number(match[1]) : null;
}

function subjectValue(subject: string, ctx: ConditionContext): unknown {
  if (subject === 'text') return ctx.text;
  if (subject === 'label') return ctx.labels;
  if (subject.startsWith('variable:')) return ctx.variables[subject.slice('variable:'.length)];
  if (subject.startsWith('field:')) return ctx.fields[subject.slice('field:'.length)];
  return undefined;
}

/** Text comparisons ignore case; `label` matches when any of the contact's labels does. */
function ruleMatches(op: string, subject: unknown, value: string): boolean {
  if (Array.isArray(subject)) return op === 'isEmpty' ? subject.length === 0 : subject.some((s) => ruleMatches(op, s, value));
  const text = subject === null || subject === undefined ? '' : typeof subject === 'object' ? JSON.stringify(subject) : String(subject);
  const a = text.trim().toLowerCase();
  const b = value.trim().toLowerCase();
  switch (op) {
    case 'equals': return a === b;
    case 'contains': return a.includes(b);
    case 'startsWith': return a.startsWith(b);
    case 'regex': return regexTest(value, text);
    case 'isEmpty': return a === '';
    case 'gt': return compare(text, value) > 0;
    case 'lt': return compare(text, value) < 0;
    default: return false;
  }
}

/** Numbers compare as numbers (when both are), anything else never passes gt/lt. */
function compare(a: string, b: string): number {
  const x = Number(a.trim());
  const y = Number(b.trim());
  if (a.trim() === '' || b.trim() === '' || !Number.isFinite(x) || !Number.isFinite(y)) return NaN;
  return x - y;
}

/** ISO `2026-12-24` or day-first `24/12/2026` / `24.12.2026`, a real calendar day, as ISO. */
function parseDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dayFirst = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : [];
  if (!y) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return date.toISOString().slice(0, 10);
}
