/**
 * A flow's definition: the stable JSON a flow is saved, exported and imported as (issue 11). Pure
 * types, shared by the validator (validate.ts), the stepping (flow-graph.ts), the flowRunWorkflow,
 * the API and the dashboard's builder. Branches are edges whose `sourceHandle` names the branch;
 * an edge without one is the node's default way on.
 */

export interface FlowDefinition {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  /** The branch this edge leaves by (a button id, a rule id, `invalid`, `timeout`, `success`, `error`); absent: the default way on. */
  sourceHandle?: string | null;
}

export interface Position {
  x: number;
  y: number;
}

export type MatchType = 'EXACT' | 'CONTAINS' | 'STARTS_WITH' | 'REGEX';

/** What starts a flow: `TriggerData.on`. */
export const TRIGGER_EVENTS = ['first_message', 'keyword', 'label_added', 'media', 'api', 'schedule'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export interface TriggerData {
  on: TriggerEvent;
  keywords?: string[];
  matchType?: MatchType;
  caseSensitive?: boolean;
  label?: string;
  cron?: string;
}

export interface MessageData {
  /** Takes `{{variables}}`: `{{contact.name}}`, `{{contact.phone}}`, flow variables by name. */
  text: string;
  mediaUrl?: string;
  /** At most 3; a button's edge has `sourceHandle` = the button id. */
  buttons?: { id: string; title: string }[];
  /** At most 10 rows; a row's edge has `sourceHandle` = the row id. */
  list?: { button: string; rows: { id: string; title: string; description?: string }[] };
}

export type QuestionInput = 'text' | 'number' | 'email' | 'phone' | 'date' | 'choice';

export interface QuestionData {
  text: string;
  input: QuestionInput;
  /** For `choice`: the accepted answers (shown as buttons when ≤ 3, else a list). */
  choices?: string[];
  /** A regex the answer must match (safe-regex rules apply). */
  validation?: string;
  errorMessage?: string;
  /** Wrong answers asked again before the `invalid` branch; default 2. */
  retries?: number;
  /** The flow variable the answer is saved as. */
  saveAs: string;
  /** No answer this long takes the `timeout` branch; absent: waits indefinitely. */
  timeoutSeconds?: number;
}

export type ConditionSubject = 'text' | 'label' | `variable:${string}` | `field:${string}`;
export type ConditionOp = 'equals' | 'contains' | 'startsWith' | 'regex' | 'isEmpty' | 'gt' | 'lt';

export interface ConditionRule {
  id: string;
  subject: ConditionSubject;
  op: ConditionOp;
  value?: string;
}

export interface ConditionData {
  /** The first matching rule's id is the branch taken; none: `default`. */
  rules: ConditionRule[];
}

export interface DelayData {
  /** Up to 30 days. */
  seconds: number;
}

export interface SetVariableData {
  name: string;
  /** Takes `{{variables}}`. */
  value: string;
}

export interface TagData {
  add?: string[];
  remove?: string[];
}

export interface WebhookData {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Takes `{{variables}}`. */
  url: string;
  headers?: Record<string, string>;
  /** Takes `{{variables}}`. */
  body?: string;
  saveAs?: string;
  /** A dotted path into the JSON response (`order.status`) saved as `saveAs`; absent: the whole body. */
  responsePath?: string;
  /** Attempts after the first before the `error` branch; default 3, with backoff. */
  retries?: number;
}

export interface AiData {
  prompt?: string;
  knowledgeBaseId?: string;
}

export interface HandoverData {
  note?: string;
}

export type EndData = Record<string, never>;

interface NodeOf<T extends string, D> {
  id: string;
  type: T;
  data: D;
  position: Position;
}

export type FlowNode =
  | NodeOf<'trigger', TriggerData>
  | NodeOf<'message', MessageData>
  | NodeOf<'question', QuestionData>
  | NodeOf<'condition', ConditionData>
  | NodeOf<'delay', DelayData>
  | NodeOf<'setVariable', SetVariableData>
  | NodeOf<'tag', TagData>
  | NodeOf<'webhook', WebhookData>
  | NodeOf<'ai', AiData>
  | NodeOf<'handover', HandoverData>
  | NodeOf<'end', EndData>;

export type FlowNodeType = FlowNode['type'];

export const FLOW_NODE_TYPES: readonly FlowNodeType[] = ['trigger', 'message', 'question', 'condition', 'delay', 'setVariable', 'tag', 'webhook', 'ai', 'handover', 'end'];

/** The named branches each node type may leave by, besides its default way on (buttons, list rows and rule ids come from its data). */
export const FIXED_BRANCHES: Readonly<Record<FlowNodeType, readonly string[]>> = {
  trigger: [],
  message: [],
  question: ['invalid', 'timeout'],
  condition: ['default'],
  delay: [],
  setVariable: [],
  tag: [],
  webhook: ['success', 'error'],
  ai: ['error'],
  handover: [],
  end: [],
};

/** One problem publishFlow reports, with the node (or edge) it belongs to; null: the flow as a whole. */
export interface FlowProblem {
  nodeId: string | null;
  message: string;
}

export const MAX_DELAY_SECONDS = 30 * 24 * 3600;
