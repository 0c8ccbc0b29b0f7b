/**
 * The prompt the bot answers with (and askKnowledgeBase's test panel): persona, bot name,
 * business hours and whether it is now outside them, the retrieved passages with their document
 * names, the contact's name, the recent messages. Pure.
 */
import type { BusinessHoursSnapshot } from '../../workflows/routing';
import type { RetrievedPassage } from '../knowledge/ports';
import type { ChatTurn } from './providers/port';

/** One message of the conversation, oldest first. */
export interface HistoryMessage {
  direction: 'INBOUND' | 'OUTBOUND';
  text: string;
}

export interface PromptInput {
  persona: string | null;
  botName: string | null;
  businessName: string;
  timeZone: string;
  businessHours: BusinessHoursSnapshot | null;
  outsideBusinessHours: boolean;
  now: Date;
  contactName: string | null;
  passages: Pick<RetrievedPassage, 'documentName' | 'text'>[];
  /** The last messages, the ones being answered included. */
  history: HistoryMessage[];
  /** Whether a retriever is configured at all (the prompt says so when it is not). */
  retrievalAvailable: boolean;
  /** A flow's AI node: what the business asks of this step (its `prompt`, variables filled in). */
  instructions?: string | null;
}

export interface Prompt {
  system: string;
  messages: ChatTurn[];
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The system prompt and the turns, as sent to every provider. */
export function buildPrompt(input: PromptInput): Prompt {
  const lines = [
    input.persona?.trim() || `You are the customer service assistant of ${input.businessName}, answering customers on WhatsApp.`,
    input.botName ? `Your name is ${input.botName}.` : null,
    '',
    'Rules:',
    "- Answer in the customer's language (the language of their last message).",
    '- Use only the passages below for facts about the business. Never invent prices, policies, dates or promises that are not in the passages.',
    '- If the passages do not answer the question, say you will check with the team, set a low confidence, and set escalate when a human should answer.',
    '- Keep replies short, friendly and fit for WhatsApp.',
    '- Always answer by calling the reply tool.',
    ...instructionLines(input.instructions),
    '',
    `Business hours (${input.timeZone}): ${describeHours(input.businessHours)}.`,
    `It is now ${input.now.toISOString()}; the business is ${input.outsideBusinessHours ? 'CLOSED (outside business hours)' : 'open'}.`,
    `The customer's name: ${input.contactName ?? 'unknown'}.`,
    '',
    ...passageLines(input),
  ];
  return { system: lines.filter((line) => line !== null).join('\n'), messages: toTurns(input.history) };
}

/** The flow step's own instructions come after the rules: they shape this answer, they do not lift the rules. */
function instructionLines(instructions: string | null | undefined): string[] {
  const text = instructions?.trim();
  return text ? ['', 'Instructions for this step (from the business):', text] : [];
}

function passageLines(input: PromptInput): string[] {
  if (!input.retrievalAvailable) return ['Knowledge passages: none (no knowledge base is searchable yet).'];
  if (input.passages.length === 0) return ['Knowledge passages: none matched this question.'];
  return ['Knowledge passages:', ...input.passages.map((p, i) => `[${i + 1}] (${p.documentName}) ${p.text.replace(/\s+/g, ' ').trim()}`)];
}

function describeHours(hours: BusinessHoursSnapshot | null): string {
  if (!hours) return 'always open';
  const days = WEEKDAY_NAMES.map((name, day) => {
    const ranges = hours[String(day)] ?? [];
    return `${name} ${ranges.length ? ranges.map((r) => `${r.open}-${r.close}`).join(', ') : 'closed'}`;
  });
  return days.join('; ');
}

/** Customer messages are the user's turns, the business's the assistant's; consecutive ones of one side are joined (Anthropic wants turns to alternate). */
function toTurns(history: HistoryMessage[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const message of history) {
    const text = message.text.trim();
    if (!text) continue;
    const role = message.direction === 'INBOUND' ? 'user' : 'assistant';
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content += `\n${text}`;
    else turns.push({ role, content: text });
  }
  // The first turn must be the customer's.
  while (turns[0]?.role === 'assistant') turns.shift();
  return turns;
}

/** The prompt as one text, for the trace (shown to OWNER / ADMIN). */
export function promptText(prompt: Prompt): string {
  return [`[system]\n${prompt.system}`, ...prompt.messages.map((m) => `[${m.role}]\n${m.content}`)].join('\n\n');
}
