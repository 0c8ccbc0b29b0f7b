/**
 * Whether a flow definition can be published: every problem at once, each on the node (or edge) it
 * belongs to, so the builder can show it there. Pure; publishFlow refuses a definition with any.
 * The definition comes from users (saved drafts, imported JSON), so node data is read defensively:
 * a field of the wrong type is a problem, never an exception.
 */
import { FIXED_BRANCHES, MAX_DELAY_SECONDS, TRIGGER_EVENTS, type FlowDefinition, type FlowNode, type FlowProblem } from './definition';
import { cronProblem } from './cron';
import { isContactVariable, templateVariables } from './variables';
import { checkRegex } from '../safe-regex';

export const MAX_BUTTONS = 3;
export const MAX_LIST_ROWS = 10;
/** WhatsApp's limits on interactive messages. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_BUTTON_TITLE_LENGTH = 20;
export const MAX_ROW_TITLE_LENGTH = 24;
export const MAX_RETRIES = 10;

/** What a flow variable may be called: `{{name}}` finds it, and it cannot pass for a `contact.*` one. */
export const VARIABLE_NAME = /^[A-Za-z_][\w-]{0,63}$/;

const MATCH_TYPES = ['EXACT', 'CONTAINS', 'STARTS_WITH', 'REGEX'];
const QUESTION_INPUTS = ['text', 'number', 'email', 'phone', 'date', 'choice'];
const CONDITION_OPS = ['equals', 'contains', 'startsWith', 'regex', 'isEmpty', 'gt', 'lt'];
const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Nodes a run may end on. */
const FINAL_TYPES = new Set<string>(['end', 'handover']);

export function validateFlow(def: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const problem = (nodeId: string | null, message: string) => problems.push({ nodeId, message });
  const nodes = new Map<string, FlowNode>();
  for (const node of def.nodes) {
    if (nodes.has(node.id)) problem(node.id, `the id "${node.id}" belongs to more than one node`);
    else nodes.set(node.id, node);
  }

  checkTrigger(def, problem);
  const edges = checkEdges(def, nodes, problem);
  checkConnections(def, nodes, edges, problem);
  for (const node of def.nodes) checkData(node, problem);
  checkVariables(def, problem);
  checkLoops(def, edges, problem);
  return problems;
}

/** The named branches a node may leave by, besides its default way on: its fixed ones, its buttons and list rows, its rule ids. */
export function nodeBranches(node: FlowNode): string[] {
  const data = record(node.data);
  const ids = (items: unknown) => (Array.isArray(items) ? items.map((item) => record(item).id).filter((id): id is string => typeof id === 'string' && id !== '') : []);
  const own = node.type === 'message' ? [...ids(data.buttons), ...ids(record(data.list).rows)] : node.type === 'condition' ? ids(data.rules) : [];
  return [...(FIXED_BRANCHES[node.type] ?? []), ...own];
}

/** Whether a run stops at this node until the contact (or a timer) moves it: a question, a delay, a message with buttons or a list. */
export function waitsAtNode(node: FlowNode): boolean {
  if (node.type === 'question' || node.type === 'delay') return true;
  if (node.type !== 'message') return false;
  const data = record(node.data);
  return (Array.isArray(data.buttons) && data.buttons.length > 0) || (Array.isArray(record(data.list).rows) && (record(data.list).rows as unknown[]).length > 0);
}

type Report = (nodeId: string | null, message: string) => void;

function checkTrigger(def: FlowDefinition, problem: Report): void {
  const triggers = def.nodes.filter((node) => node.type === 'trigger');
  if (triggers.length === 0) problem(null, 'a flow needs a trigger: what starts it');
  triggers.slice(1).forEach((trigger) => problem(trigger.id, `a flow has exactly one trigger; this is one of ${triggers.length}`));
}

/** The edges between existing nodes; the rest are reported. */
function checkEdges(def: FlowDefinition, nodes: Map<string, FlowNode>, problem: Report): FlowDefinition['edges'] {
  const valid: FlowDefinition['edges'] = [];
  const edgeIds = new Set<string>();
  const ways = new Set<string>();
  for (const edge of def.edges) {
    if (edgeIds.has(edge.id)) problem(edge.id, `the id "${edge.id}" belongs to more than one edge`);
    edgeIds.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source) problem(edge.id, `edge ${edge.id} leaves from a node that does not exist (${edge.source})`);
    if (!target) problem(source ? source.id : edge.id, `an edge leads to a node that does not exist (${edge.target})`);
    if (!source || !target) continue;
    if (target.type === 'trigger') problem(source.id, 'an edge leads back into the trigger: lead to the step after it instead');
    const handle = edge.sourceHandle || null;
    if (handle !== null && !nodeBranches(source).includes(handle)) {
      problem(source.id, `an edge leaves by "${handle}", which is not a branch of this ${source.type} node`);
      continue;
    }
    const way = `${source.id}\u0000${handle ?? ''}`;
    if (ways.has(way)) problem(source.id, handle ? `more than one edge leaves by "${handle}"` : 'more than one edge leaves by the default way: a run can take only one');
    ways.add(way);
    valid.push(edge);
  }
  return valid;
}

function checkConnections(def: FlowDefinition, nodes: Map<string, FlowNode>, edges: FlowDefinition['edges'], problem: Report): void {
  const into = new Set(edges.map((edge) => edge.target));
  const outOf = new Map<string, string[]>();
  for (const edge of edges) outOf.set(edge.source, [...(outOf.get(edge.source) ?? []), edge.target]);
  const reached = new Set<string>();
  const trigger = def.nodes.find((node) => node.type === 'trigger');
  const queue = trigger ? [trigger.id] : [];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    queue.push(...(outOf.get(id) ?? []));
  }
  for (const node of nodes.values()) {
    if (node.type !== 'trigger') {
      if (!into.has(node.id)) problem(node.id, 'no edge leads to this node: a run can never reach it');
      else if (trigger && !reached.has(node.id)) problem(node.id, 'this node cannot be reached from the trigger');
    }
    if (!FINAL_TYPES.has(node.type) && !outOf.has(node.id)) problem(node.id, `no edge leaves this ${node.type} node: connect it to the next step, or to an end`);
  }
}

function checkData(node: FlowNode, problem: Report): void {
  const data = record(node.data);
  const report = (message: string) => problem(node.id, message);
  switch (node.type) {
    case 'trigger':
      return checkTriggerData(data, report);
    case 'message':
      return checkMessage(data, report);
    case 'question':
      return checkQuestion(data, report);
    case 'condition':
      return checkCondition(data, report);
    case 'delay':
      if (!isInteger(data.seconds, 1, MAX_DELAY_SECONDS)) report('a delay needs a whole number of seconds, from 1 second to 30 days');
      return;
    case 'setVariable':
      checkVariableName(data.name, 'name', report);
      if (data.value !== undefined && typeof data.value !== 'string') report('value: must be text');
      return;
    case 'tag': {
      const add = labels(data.add);
      const remove = labels(data.remove);
      if (add === null || remove === null) report('labels must be a list of non-empty texts');
      else if (add.length + remove.length === 0) report('a tag node needs a label to add or remove');
      return;
    }
    case 'webhook':
      return checkWebhook(data, report);
    case 'ai':
      if (data.prompt !== undefined && typeof data.prompt !== 'string') report('prompt: must be text');
      if (data.knowledgeBaseId !== undefined && data.knowledgeBaseId !== null && typeof data.knowledgeBaseId !== 'string') report('knowledgeBaseId: must be an id');
      return;
    case 'handover':
      if (data.note !== undefined && data.note !== null && typeof data.note !== 'string') report('note: must be text');
      return;
    case 'end':
      return;
  }
}

function checkTriggerData(data: Record<string, unknown>, report: (message: string) => void): void {
  if (!(TRIGGER_EVENTS as readonly unknown[]).includes(data.on)) {
    report(`the trigger needs "on": one of ${TRIGGER_EVENTS.join(', ')}`);
    return;
  }
  if (data.on === 'keyword') {
    const keywords = labels(data.keywords);
    if (!keywords || keywords.length === 0) report('a keyword trigger needs at least one keyword');
    const matchType = data.matchType ?? 'EXACT';
    if (!MATCH_TYPES.includes(matchType as string)) report(`matchType: must be one of ${MATCH_TYPES.join(', ')}`);
    else if (matchType === 'REGEX') for (const keyword of keywords ?? []) checkPattern(keyword, `keyword "${keyword}"`, report);
  }
  if (data.on === 'label_added' && !nonEmpty(data.label)) report('a label trigger needs the label it waits for');
  if (data.on === 'schedule') {
    const problem = nonEmpty(data.cron) ? cronProblem(data.cron) : 'is required';
    if (problem) report(`cron: ${problem}`);
  }
}

function checkMessage(data: Record<string, unknown>, report: (message: string) => void): void {
  if (!nonEmpty(data.text) && !nonEmpty(data.mediaUrl)) report('a message needs a text');
  if (typeof data.text === 'string' && data.text.length > MAX_TEXT_LENGTH) report(`the text is longer than WhatsApp allows (${MAX_TEXT_LENGTH} characters)`);
  if (data.mediaUrl !== undefined && data.mediaUrl !== null && data.mediaUrl !== '' && !isUrl(data.mediaUrl)) report('mediaUrl: must be an http(s) URL');
  const buttons = data.buttons === undefined || data.buttons === null ? [] : data.buttons;
  const list = data.list === undefined || data.list === null ? null : record(data.list);
  if (!Array.isArray(buttons)) report('buttons: must be a list');
  else {
    if (buttons.length > MAX_BUTTONS) report(`a message has at most ${MAX_BUTTONS} buttons, this one has ${buttons.length}`);
    checkChoices(buttons, 'button', MAX_BUTTON_TITLE_LENGTH, report);
    if (buttons.length > 0 && list) report('a message has buttons or a list, not both');
  }
  if (list) {
    if (!nonEmpty(list.button)) report('a list needs the text of the button that opens it');
    if (!Array.isArray(list.rows) || list.rows.length === 0) report('a list needs at least one row');
    else {
      if (list.rows.length > MAX_LIST_ROWS) report(`a list has at most ${MAX_LIST_ROWS} rows, this one has ${list.rows.length}`);
      checkChoices(list.rows, 'row', MAX_ROW_TITLE_LENGTH, report);
    }
  }
  if ((Array.isArray(buttons) && buttons.length > 0) || list) {
    if (!nonEmpty(data.text)) report('a message with buttons or a list needs a text');
  }
}

/** Buttons or list rows: each with an id (its branch) and a title, no id twice. */
function checkChoices(items: unknown[], what: string, maxTitle: number, report: (message: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const { id, title } = record(item);
    if (!nonEmpty(id)) report(`${what} ${i + 1} needs an id`);
    else if (seen.has(id)) report(`two ${what}s have the id "${id}"`);
    else seen.add(id);
    if (!nonEmpty(title)) report(`${what} ${i + 1} needs a title`);
    else if (title.length > maxTitle) report(`${what} "${title}": a title has at most ${maxTitle} characters`);
  });
}

function checkQuestion(data: Record<string, unknown>, report: (message: string) => void): void {
  if (!nonEmpty(data.text)) report('a question needs its text');
  if (!QUESTION_INPUTS.includes(data.input as string)) report(`input: must be one of ${QUESTION_INPUTS.join(', ')}`);
  checkVariableName(data.saveAs, 'saveAs', report);
  if (data.input === 'choice') {
    const choices = labels(data.choices);
    if (!choices || choices.length === 0) report('a choice question needs its choices');
    else if (choices.length > MAX_LIST_ROWS) report(`a choice question has at most ${MAX_LIST_ROWS} choices`);
  }
  if (data.validation !== undefined && data.validation !== null && data.validation !== '') {
    if (typeof data.validation !== 'string') report('validation: must be a regular expression');
    else checkPattern(data.validation, 'validation', report);
  }
  if (data.retries !== undefined && data.retries !== null && !isInteger(data.retries, 0, MAX_RETRIES)) report(`retries: must be a whole number from 0 to ${MAX_RETRIES}`);
  if (data.timeoutSeconds !== undefined && data.timeoutSeconds !== null && !isInteger(data.timeoutSeconds, 1, MAX_DELAY_SECONDS)) {
    report('timeoutSeconds: must be a whole number of seconds, from 1 second to 30 days');
  }
}

function checkCondition(data: Record<string, unknown>, report: (message: string) => void): void {
  if (!Array.isArray(data.rules) || data.rules.length === 0) {
    report('a condition needs at least one rule');
    return;
  }
  const seen = new Set<string>();
  data.rules.forEach((item, i) => {
    const rule = record(item);
    const name = nonEmpty(rule.id) ? `rule "${rule.id}"` : `rule ${i + 1}`;
    if (!nonEmpty(rule.id)) report(`${name} needs an id (its branch)`);
    else if (rule.id === 'default') report(`${name}: "default" is the branch taken when no rule matches`);
    else if (seen.has(rule.id)) report(`two rules have the id "${rule.id}"`);
    else seen.add(rule.id);
    const subject = rule.subject;
    const subjectOk = subject === 'text' || subject === 'label' || (typeof subject === 'string' && /^(variable|field):[\w.-]+$/.test(subject));
    if (!subjectOk) report(`${name} needs a subject: text, label, variable:<name> or field:<name>`);
    if (!CONDITION_OPS.includes(rule.op as string)) {
      report(`${name} needs an op: one of ${CONDITION_OPS.join(', ')}`);
      return;
    }
    if (rule.op === 'isEmpty') return;
    if (typeof rule.value !== 'string' || (rule.value === '' && rule.op !== 'equals')) report(`${name} needs a value to compare with`);
    else if (rule.op === 'regex') checkPattern(rule.value, name, report);
    else if ((rule.op === 'gt' || rule.op === 'lt') && !Number.isFinite(Number(rule.value))) report(`${name}: ${rule.op} compares with a number, not "${rule.value}"`);
  });
}

function checkWebhook(data: Record<string, unknown>, report: (message: string) => void): void {
  if (!WEBHOOK_METHODS.includes(data.method as string)) report(`method: must be one of ${WEBHOOK_METHODS.join(', ')}`);
  if (!nonEmpty(data.url)) report('a webhook needs its URL');
  else if (!isUrl(data.url)) report(`url: "${data.url}" is not an http(s) URL`);
  if (data.headers !== undefined && data.headers !== null && !Object.values(record(data.headers)).every((value) => typeof value === 'string')) report('headers: each value must be text');
  if (data.body !== undefined && data.body !== null && typeof data.body !== 'string') report('body: must be text');
  if (data.saveAs !== undefined && data.saveAs !== null && data.saveAs !== '') checkVariableName(data.saveAs, 'saveAs', report);
  if (data.retries !== undefined && data.retries !== null && !isInteger(data.retries, 0, MAX_RETRIES)) report(`retries: must be a whole number from 0 to ${MAX_RETRIES}`);
}

/** Each `{{name}}` a node uses is a contact variable or set somewhere in the flow (a setVariable, a question's or a webhook's saveAs). */
function checkVariables(def: FlowDefinition, problem: Report): void {
  const defined = new Set<string>();
  for (const node of def.nodes) {
    const data = record(node.data);
    const name = node.type === 'setVariable' ? data.name : node.type === 'question' || node.type === 'webhook' ? data.saveAs : undefined;
    if (typeof name === 'string' && name) defined.add(name);
  }
  for (const node of def.nodes) {
    const unknown = usedVariables(node).filter((name) => !defined.has(name) && !isContactVariable(name));
    for (const name of unknown) problem(node.id, `uses {{${name}}}, which no step of this flow sets (a question's or webhook's saveAs, a set variable) and is not a contact variable`);
  }
}

/** The variables a node reads: `{{name}}` in its texts, and a condition's `variable:<name>` subjects. */
export function usedVariables(node: FlowNode): string[] {
  const data = record(node.data);
  const texts: unknown[] = [];
  switch (node.type) {
    case 'message': {
      texts.push(data.text, data.mediaUrl);
      if (Array.isArray(data.buttons)) texts.push(...data.buttons.map((button) => record(button).title));
      const list = record(data.list);
      texts.push(list.button);
      if (Array.isArray(list.rows)) texts.push(...list.rows.flatMap((row) => [record(row).title, record(row).description]));
      break;
    }
    case 'question':
      texts.push(data.text, data.errorMessage);
      break;
    case 'condition':
      if (Array.isArray(data.rules)) texts.push(...data.rules.map((rule) => record(rule).value));
      break;
    case 'setVariable':
      texts.push(data.value);
      break;
    case 'webhook':
      texts.push(data.url, data.body, ...Object.values(record(data.headers)));
      break;
    case 'ai':
      texts.push(data.prompt);
      break;
    case 'handover':
      texts.push(data.note);
      break;
  }
  const names = new Set(texts.flatMap((text) => (typeof text === 'string' ? templateVariables(text) : [])));
  if (node.type === 'condition' && Array.isArray(data.rules)) {
    for (const rule of data.rules) {
      const subject = record(rule).subject;
      if (typeof subject === 'string' && subject.startsWith('variable:')) names.add(subject.slice('variable:'.length));
    }
  }
  return [...names];
}

/**
 * A loop a run can go round without waiting (no question, delay, or message with buttons or a list)
 * would send messages and call webhooks forever: each such strongly connected part is reported on
 * its first node.
 */
function checkLoops(def: FlowDefinition, edges: FlowDefinition['edges'], problem: Report): void {
  const byId = new Map(def.nodes.map((node) => [node.id, node]));
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  for (const part of stronglyConnected([...byId.keys()], next)) {
    const loops = part.length > 1 || (next.get(part[0]) ?? []).includes(part[0]);
    if (!loops || part.some((id) => waitsAtNode(byId.get(id)!))) continue;
    const order = def.nodes.map((node) => node.id).filter((id) => part.includes(id));
    problem(order[0], `a loop (${[...order, order[0]].join(' → ')}) has no question or delay in it: a run would go round it forever`);
  }
}

/** Tarjan's strongly connected components. */
function stronglyConnected(ids: string[], next: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  let counter = 0;
  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const to of next.get(id) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(id, Math.min(low.get(id)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(id, Math.min(low.get(id)!, index.get(to)!));
    }
    if (low.get(id) === index.get(id)) {
      const part: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        part.push(member);
      } while (member !== id);
      parts.push(part);
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return parts;
}

function checkPattern(pattern: string, what: string, report: (message: string) => void): void {
  const check = checkRegex(pattern);
  if (!check.ok) report(`${what} ${check.reason}`);
}

function checkVariableName(name: unknown, field: string, report: (message: string) => void): void {
  if (!nonEmpty(name)) report(`${field}: needs the name of the variable to save into`);
  else if (!VARIABLE_NAME.test(name)) report(`${field}: "${name}" is not a variable name (letters, digits, _ and -, starting with a letter or _)`);
}

/** A URL once its `{{variables}}` are filled in: http(s), with a host (a leading variable may be the whole base URL). */
function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (/^\{\{[^}]+\}\}/.test(value.trim())) return true;
  try {
    const url = new URL(value.replace(/\{\{[^}]*\}\}/g, 'x'));
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** A list of non-empty texts (absent: empty), or null when it is something else. */
function labels(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(nonEmpty)) return null;
  return value;
}
