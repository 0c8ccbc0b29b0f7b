/**
 * What the builder knows about each node type: its name in the palette, a new node's data, a one-line
 * summary for the canvas, and the branches it leaves by (its source handles). Branch ids follow the
 * definition format (workflows/flows/definition.ts): a handle with id null is the default way on.
 */
import type { FlowDefinition, FlowEdge, FlowNode, FlowNodeType } from '../../../../workflows/flows/definition';

export interface NodeKind {
  type: FlowNodeType;
  label: string;
  /** What the node does, for the palette's tooltip. */
  hint: string;
  /** A glyph for the palette and the node's header (from common text fonts: no emoji font is assumed). */
  glyph: string;
  /** The node's accent colour (CSS). */
  color: string;
}

export const NODE_KINDS: readonly NodeKind[] = [
  { type: 'trigger', label: 'Trigger', hint: 'What starts the flow: a keyword, the first message, a label, media, the API or a schedule.', glyph: '⚡', color: '#10a37f' },
  { type: 'message', label: 'Message', hint: 'Sends a text (with media, up to 3 buttons or a list of up to 10 rows).', glyph: '✉', color: '#2563eb' },
  { type: 'question', label: 'Question', hint: 'Asks, checks the answer (text, number, email, phone, date, choice) and saves it as a variable.', glyph: '?', color: '#7c3aed' },
  { type: 'condition', label: 'Condition', hint: 'Branches on the message, a variable, a contact field or a label; the first matching rule wins.', glyph: '◇', color: '#d97706' },
  { type: 'delay', label: 'Delay', hint: 'Waits (durably) up to 30 days before going on.', glyph: '◷', color: '#0891b2' },
  { type: 'setVariable', label: 'Set variable', hint: 'Saves a value (with {{variables}}) as a flow variable.', glyph: 'x', color: '#4b5563' },
  { type: 'tag', label: 'Tag', hint: 'Adds or removes contact labels.', glyph: '#', color: '#db2777' },
  { type: 'webhook', label: 'Webhook', hint: 'Calls your API (retries with backoff), saves the response; success and error branches.', glyph: '⇄', color: '#0d9488' },
  { type: 'ai', label: 'AI answer', hint: "Answers with the workspace's AI on a knowledge base; error branch when it cannot.", glyph: '✦', color: '#4f46e5' },
  { type: 'handover', label: 'Hand over', hint: 'Hands the conversation to a human agent.', glyph: '☎', color: '#b45309' },
  { type: 'end', label: 'End', hint: 'Ends the run.', glyph: '■', color: '#667085' },
];

export function nodeKind(type: string): NodeKind {
  return NODE_KINDS.find((k) => k.type === type) ?? NODE_KINDS[NODE_KINDS.length - 1];
}

/** A new node's data: valid where it can be, so only the texts are left to write. */
export function defaultData(type: FlowNodeType): Record<string, unknown> {
  switch (type) {
    case 'trigger': return { on: 'keyword', keywords: ['start'], matchType: 'EXACT' };
    case 'message': return { text: 'Hello {{contact.name}}!' };
    case 'question': return { text: 'What is your name?', input: 'text', saveAs: 'answer', retries: 2 };
    case 'condition': return { rules: [{ id: 'rule-1', subject: 'text', op: 'contains', value: 'yes' }] };
    case 'delay': return { seconds: 3600 };
    case 'setVariable': return { name: 'status', value: 'done' };
    case 'tag': return { add: ['lead'] };
    case 'webhook': return { method: 'POST', url: 'https://example.com/hook', body: '{"phone": "{{contact.phone}}"}', retries: 3 };
    case 'ai': return {};
    case 'handover': return { note: '' };
    case 'end': return {};
  }
}

export interface Branch {
  /** The edge's sourceHandle; null: the default way on. */
  id: string | null;
  label: string;
  /** The branch a run takes when something goes wrong (drawn red). */
  failure?: boolean;
}

type Data = Record<string, unknown>;
const items = (value: unknown): Data[] => (Array.isArray(value) ? value.filter((v): v is Data => !!v && typeof v === 'object') : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The handles a node leaves by, in the order the canvas draws them left to right. */
export function nodeBranches(type: string, data: Data): Branch[] {
  switch (type) {
    case 'end':
      return [];
    case 'message': {
      const options = [...items(data.buttons), ...items((data.list as Data | undefined)?.rows)];
      if (options.length === 0) return [{ id: null, label: 'next' }];
      return [...options.map((o) => ({ id: text(o.id), label: text(o.title) || text(o.id) })), { id: null, label: 'other reply' }];
    }
    case 'question':
      return [{ id: null, label: 'answered' }, { id: 'invalid', label: 'invalid', failure: true }, { id: 'timeout', label: 'timeout', failure: true }];
    case 'condition':
      return [...items(data.rules).map((r, i) => ({ id: text(r.id), label: ruleLabel(r, i) })), { id: 'default', label: 'otherwise' }];
    case 'webhook':
      return [{ id: 'success', label: 'success' }, { id: 'error', label: 'error', failure: true }];
    case 'ai':
      return [{ id: null, label: 'answered' }, { id: 'error', label: 'error', failure: true }];
    default:
      return [{ id: null, label: 'next' }];
  }
}

function ruleLabel(rule: Data, index: number): string {
  const subject = text(rule.subject).replace(/^(variable|field):/, '');
  if (rule.op === 'isEmpty') return `${subject || 'rule ' + (index + 1)} is empty`;
  return `${subject || '?'} ${text(rule.op)} ${text(rule.value)}`.trim();
}

/** The node's gist on the canvas. */
export function nodeSummary(type: string, data: Data): string {
  switch (type) {
    case 'trigger': {
      const on = text(data.on);
      if (on === 'keyword') return `Keyword (${text(data.matchType) || 'EXACT'}): ${(Array.isArray(data.keywords) ? data.keywords : []).join(', ') || '—'}`;
      if (on === 'label_added') return `Label added: ${text(data.label) || '—'}`;
      if (on === 'schedule') return `Schedule: ${text(data.cron) || '—'}`;
      return { first_message: 'First message from a contact', media: 'A contact sends media', api: 'Started by the API' }[on] ?? 'Choose what starts the flow';
    }
    case 'message':
    case 'question':
      return text(data.text) || '(no text yet)';
    case 'condition':
      return `${items(data.rules).length} rule${items(data.rules).length === 1 ? '' : 's'}, first match wins`;
    case 'delay':
      return `Wait ${formatDuration(Number(data.seconds) || 0)}`;
    case 'setVariable':
      return `${text(data.name) || '?'} = ${text(data.value)}`;
    case 'tag': {
      const add = Array.isArray(data.add) ? data.add : [];
      const remove = Array.isArray(data.remove) ? data.remove : [];
      return [add.length ? `+ ${add.join(', ')}` : '', remove.length ? `− ${remove.join(', ')}` : ''].filter(Boolean).join('  ') || 'No labels yet';
    }
    case 'webhook':
      return `${text(data.method) || 'POST'} ${text(data.url) || '—'}`;
    case 'ai':
      return text(data.prompt) || 'Answer from the knowledge base';
    case 'handover':
      return text(data.note) || 'To a human agent';
    default:
      return 'End of the flow';
  }
}

export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '—';
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}

/** An id of the form `<prefix>-<n>` not in `taken`. */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 1;
  while (used.has(`${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
}

/** The canvas's nodes and edges as the definition format has them: only its fields, in its shape. */
export function toDefinition(nodes: readonly { id: string; type?: string; data: Data; position: { x: number; y: number } }[], edges: readonly FlowEdge[]): FlowDefinition {
  return {
    nodes: nodes.map((n) => ({ id: n.id, type: n.type as FlowNodeType, data: plain(n.data), position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } }) as FlowNode),
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target, ...(e.sourceHandle ? { sourceHandle: e.sourceHandle } : {}) })),
  };
}

/** A store proxy's plain value, deep. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
