/** When the bot hands a conversation to a human instead of answering. Pure. */
import { normalize } from '../../workflows/routing';
import type { ReplyOutput } from './reply-output';

/** The reason a conversation goes to a human when no provider answered. */
export const AI_UNAVAILABLE = 'AI unavailable';

export interface EscalationInput {
  /** null: the model's answer was malformed even after a retry. */
  output: ReplyOutput | null;
  confidenceThreshold: number;
  sensitiveTopics: string[];
  /** What the customer wrote (the burst being answered). */
  customerText: string;
}

/** Why a human must answer, or null when the bot's reply may go out. A sensitive topic always goes to a human. */
export function escalationReason(input: EscalationInput): string | null {
  const topic = sensitiveTopicIn(input.customerText, input.sensitiveTopics);
  if (topic) return `sensitive topic: ${topic}`;
  if (!input.output) return 'low confidence: the AI answer was malformed';
  if (input.output.escalate) return `the AI asked for a human${input.output.reason ? `: ${input.output.reason}` : ''}`;
  if (input.output.confidence < input.confidenceThreshold) return `low confidence (${input.output.confidence.toFixed(2)} < ${input.confidenceThreshold})`;
  return null;
}

/** The first topic the text mentions as a word or the start of one ("refund" in "refunds", not in "prerefund"). */
export function sensitiveTopicIn(text: string, topics: string[]): string | null {
  const words = ` ${normalize(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  for (const topic of topics) {
    const needle = normalize(topic).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (needle && words.includes(` ${needle}`)) return topic;
  }
  return null;
}
