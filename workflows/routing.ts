/**
 * Which route an inbound message takes (DESIGN.md, conversation routing order). Pure: the
 * conversation workflow calls it with its cached rules and settings, and tests call it directly.
 */
import { regexTest } from './safe-regex';

export type MatchType = 'EXACT' | 'CONTAINS' | 'STARTS_WITH' | 'REGEX';
export type ConversationMode = 'BOT' | 'HUMAN';

export interface RuleSnapshot {
  id: string;
  keywords: string[];
  matchType: MatchType;
  reply: string;
  priority: number;
}

export interface BusinessHoursSnapshot {
  /** Keys "0" (Sunday) … "6"; a missing or empty day is closed. */
  [weekday: string]: { open: string; close: string }[];
}

export interface SettingsSnapshot {
  defaultReply: string | null;
  awayMessage: string | null;
  timeZone: string;
  /** null: always open. */
  businessHours: BusinessHoursSnapshot | null;
  /** In human mode, how long a customer may wait for an agent before agents are reminded; null: no SLA. */
  humanSlaSeconds: number | null;
  /** Sent to the customer when the SLA passes; null: remind agents only. */
  slaFallbackMessage: string | null;
  /** A message that is exactly this word ends the conversation's flow run; absent in snapshots from before flows: `stop`. */
  flowCancelKeyword?: string;
}

/** What the conversation workflow caches of the AI settings (activities/ai reads the rest when it answers). */
export interface AiRouteSnapshot {
  /** AI on, with at least one provider. */
  enabled: boolean;
  /** Messages this close to each other are answered together, once. */
  debounceSeconds: number;
}

export interface RoutingInput {
  text: string;
  contactBlocked: boolean;
  mode: ConversationMode;
  rules: RuleSnapshot[];
  settings: SettingsSnapshot;
  /** Absent or disabled: no AI route (step 6 is skipped). */
  ai?: AiRouteSnapshot | null;
  now: Date;
}

export type Route =
  | { kind: 'drop'; reason: 'blocked' }
  | { kind: 'human' }
  | { kind: 'keyword'; ruleId: string; reply: string }
  | { kind: 'default'; reply: string }
  | { kind: 'away'; reply: string }
  /** Routing step 6: retrieval + LLM (the workflow debounces a burst and answers it once). */
  | { kind: 'ai' }
  | { kind: 'none' };

export function routeInbound(input: RoutingInput): Route {
  if (input.contactBlocked) return { kind: 'drop', reason: 'blocked' };
  if (input.mode === 'HUMAN') return { kind: 'human' };
  const rule = matchKeywordRule(input.text, input.rules);
  if (rule) return { kind: 'keyword', ruleId: rule.id, reply: rule.reply };
  // A blank message (an empty caption) gives the model nothing to answer.
  if (input.ai?.enabled && !BLANK.test(input.text)) return { kind: 'ai' };
  if (!isWithinBusinessHours(input.settings, input.now)) {
    return input.settings.awayMessage ? { kind: 'away', reply: input.settings.awayMessage } : { kind: 'none' };
  }
  return input.settings.defaultReply ? { kind: 'default', reply: input.settings.defaultReply } : { kind: 'none' };
}

/** The highest-priority rule with a keyword that matches; ties go to the earlier rule. Blank text matches none. */
export function matchKeywordRule(text: string, rules: RuleSnapshot[]): RuleSnapshot | undefined {
  // A message of spaces (or an empty caption) says nothing a rule could answer, even `^\s*$` or `.*`.
  if (BLANK.test(text)) return undefined;
  const normalized = normalize(text);
  const ordered = rules.map((rule, index) => ({ rule, index })).sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index);
  return ordered.find(({ rule }) => rule.keywords.some((keyword) => keywordMatches(normalized, text, keyword, rule.matchType)))?.rule;
}

function keywordMatches(normalizedText: string, rawText: string, keyword: string, matchType: MatchType): boolean {
  if (matchType === 'REGEX') return regexTest(keyword, rawText);
  const needle = normalize(keyword);
  if (!needle) return false;
  switch (matchType) {
    case 'EXACT':
      return normalizedText === needle;
    case 'STARTS_WITH':
      return normalizedText.startsWith(needle) && isBoundary(normalizedText[needle.length]);
    case 'CONTAINS':
      return containsWord(normalizedText, needle);
  }
}

/** Case-, accent- and spacing-insensitive, trailing punctuation ignored: "  Hello!! " equals "hello". */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!?¡¿,;:]+$/u, '');
}

/** "price" is in "what's the price?" but not in "priceless": keywords match whole words. */
function containsWord(haystack: string, needle: string): boolean {
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    if (isBoundary(haystack[at - 1]) && isBoundary(haystack[at + needle.length])) return true;
    from = at + 1;
  }
}

function isBoundary(char: string | undefined): boolean {
  return char === undefined || !/[\p{L}\p{N}_]/u.test(char);
}

/** Only whitespace (JavaScript's, Unicode's separators included) and zero-width characters. */
const BLANK = /^[\s\u200B-\u200D\u2060]*$/u;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function isWithinBusinessHours(settings: Pick<SettingsSnapshot, 'timeZone' | 'businessHours'>, now: Date): boolean {
  if (!settings.businessHours) return true;
  const { weekday, minutes } = localTime(now, settings.timeZone);
  const ranges = settings.businessHours[String(weekday)] ?? [];
  return ranges.some(({ open, close }) => minutes >= toMinutes(open) && minutes < toMinutes(close));
}

function localTime(now: Date, timeZone: string): { weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS.indexOf(part('weekday')), minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/**
 * The human-mode SLA clock: an inbound message in human mode starts it unless it already runs
 * (the customer has been waiting since the first unanswered message); an agent's reply stops it.
 */
export function slaDeadlineAfterInbound(current: number | null, mode: ConversationMode, settings: Pick<SettingsSnapshot, 'humanSlaSeconds'>, nowMs: number): number | null {
  if (mode !== 'HUMAN' || !settings.humanSlaSeconds) return current;
  return current ?? nowMs + settings.humanSlaSeconds * 1000;
}

/** A live flow's trigger, cached in the conversation with the rules (routing step 4). */
export interface FlowTriggerSnapshot {
  flowId: string;
  priority: number;
  on: 'first_message' | 'keyword' | 'media';
  keywords: string[];
  matchType: MatchType;
  caseSensitive: boolean;
}

export interface FlowTriggerInput {
  text: string;
  hasMedia: boolean;
  /** The conversation's first message ever. */
  firstMessage: boolean;
}

/**
 * Routing step 4: the highest-priority live flow whose trigger matches (ties: the earlier one, as
 * the snapshot is ordered). Keywords match as keyword rules do; `caseSensitive` compares as written.
 */
export function matchFlowTrigger(message: FlowTriggerInput, flows: FlowTriggerSnapshot[]): FlowTriggerSnapshot | undefined {
  const ordered = flows.map((flow, index) => ({ flow, index })).sort((a, b) => b.flow.priority - a.flow.priority || a.index - b.index);
  return ordered.find(({ flow }) => flowTriggerMatches(message, flow))?.flow;
}

function flowTriggerMatches(message: FlowTriggerInput, flow: FlowTriggerSnapshot): boolean {
  switch (flow.on) {
    case 'first_message':
      return message.firstMessage;
    case 'media':
      return message.hasMedia;
    case 'keyword':
      if (BLANK.test(message.text)) return false;
      if (flow.caseSensitive && flow.matchType !== 'REGEX') return flow.keywords.some((k) => caseSensitiveMatch(message.text.trim(), k.trim(), flow.matchType));
      return matchKeywordRule(message.text, [{ id: flow.flowId, keywords: flow.keywords, matchType: flow.matchType, reply: '', priority: 0 }]) !== undefined;
  }
}

function caseSensitiveMatch(text: string, keyword: string, matchType: MatchType): boolean {
  if (!keyword) return false;
  switch (matchType) {
    case 'EXACT':
      return text === keyword;
    case 'STARTS_WITH':
      return text.startsWith(keyword) && isBoundary(text[keyword.length]);
    default:
      return containsWord(text, keyword);
  }
}

/** A message that is exactly the workspace's flow cancel keyword (any case, spacing and trailing punctuation ignored). */
export function isFlowCancel(text: string, keyword: string | null | undefined): boolean {
  return Boolean(keyword) && normalize(text) === normalize(keyword!);
}
