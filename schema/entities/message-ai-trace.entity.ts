import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Message } from './message.entity';

/** A passage a reply was grounded in, as recorded on its trace. */
export interface TraceSource {
  /** The chunk or FAQ id. */
  id: string;
  documentName: string;
  text: string;
  score: number;
}

/** Why the bot said what it said: one row per AI-written message (provider, model, timing, tokens, the passages and the full prompt). */
export const MessageAiTrace = defineEntity({
  name: 'MessageAiTrace',
  tableName: 'message_ai_traces',
  properties: {
    messageId: p.oneToOne(Message).mapToPk().fieldName('message_id').primary().deleteRule('cascade').updateRule('no action'),
    workspaceId: workspaceKey(),
    provider: p.text(),
    model: p.text(),
    latencyMs: p.integer(),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    confidence: p.float(),
    sentiment: p.text().nullable(),
    language: p.text().nullable(),
    sources: p.json<TraceSource[]>(),
    /** The system prompt and the messages, as sent: shown to OWNER / ADMIN only. */
    prompt: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type MessageAiTrace = InferEntity<typeof MessageAiTrace>;
