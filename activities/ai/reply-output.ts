/**
 * The structured answer every provider must give, by tool / function calling: parsed with zod,
 * so a malformed answer is caught before it reaches a customer.
 */
import { z } from 'zod';

export const SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const;

/** The reply tool's arguments. */
export const ReplyOutput = z.object({
  reply: z.string().trim().min(1).max(4096),
  confidence: z.number().min(0).max(1),
  escalate: z.boolean(),
  reason: z.string().nullish(),
  language: z.string().min(2).max(35),
  sentiment: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(SENTIMENTS)),
});
/** A parsed, valid answer of the model. */
export type ReplyOutput = z.infer<typeof ReplyOutput>;

/** The tool the model is made to call. */
export const REPLY_TOOL = {
  name: 'reply',
  description:
    'Give your answer to the customer. reply: the message to send, in the customer\'s language. confidence: 0 to 1, how sure you are the ' +
    'passages support the answer. escalate: true when a human should take over, with reason. language: the customer\'s language (ISO 639-1). ' +
    'sentiment: the customer\'s mood.',
  schema: {
    type: 'object',
    properties: {
      reply: { type: 'string' },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      escalate: { type: 'boolean' },
      reason: { type: 'string' },
      language: { type: 'string' },
      sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] },
    },
    required: ['reply', 'confidence', 'escalate', 'language', 'sentiment'],
  },
} as const;

/** The tool arguments as the model gave them, or null when they do not fit the schema. */
export function parseReplyOutput(raw: unknown): ReplyOutput | null {
  const parsed = ReplyOutput.safeParse(toolArguments(raw));
  return parsed.success ? parsed.data : null;
}

/** A tool call's arguments as a value: Anthropic gives an object, OpenAI-compatible servers a JSON string (undefined if it is not JSON). */
export function toolArguments(raw: unknown): unknown {
  return typeof raw === 'string' ? safeJson(raw) : raw;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
