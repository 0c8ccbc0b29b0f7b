/**
 * "Why did the bot say that": `Message.ai` (the trace of an AI-written message) and
 * `Message.aiPrompt` (the full prompt, OWNER / ADMIN only). The traces of one response's messages
 * are read in one query.
 */
import { builder } from '../builder';
import { MANAGERS, requireAuth, type GraphQLContext } from '../context';
import { MessageAiTrace, type TraceSource } from '../../../schema/entities/message-ai-trace.entity';
import { z } from 'zod';
import { MessageType, loadMessage } from './message';

const AiSourceType = builder.objectRef<TraceSource>('AiSource').implement({
  description: 'A knowledge passage the reply was grounded in.',
  fields: (t) => ({
    documentName: t.exposeString('documentName'),
    text: t.exposeString('text'),
    score: t.exposeFloat('score'),
    chunkId: t.exposeID('id', { description: 'The chunk (or FAQ) id.' }),
  }),
});

const MessageAiType = builder.objectRef<MessageAiTrace>('MessageAi').implement({
  description: 'How the AI wrote a message: provider, model, timing, tokens, confidence and the passages used.',
  fields: (t) => ({
    provider: t.exposeString('provider'),
    model: t.exposeString('model'),
    latencyMs: t.exposeInt('latencyMs'),
    inputTokens: t.exposeInt('inputTokens', { nullable: true }),
    outputTokens: t.exposeInt('outputTokens', { nullable: true }),
    confidence: t.float({ resolve: (trace) => Math.round(trace.confidence * 1e4) / 1e4 }),
    sentiment: t.exposeString('sentiment', { nullable: true }),
    language: t.exposeString('language', { nullable: true }),
    sources: t.field({ type: [AiSourceType], resolve: (trace) => trace.sources }),
  }),
});

builder.objectField(MessageType, 'ai', (t) =>
  t.field({
    type: MessageAiType,
    nullable: true,
    description: 'The AI trace of a bot message the AI wrote; null for every other message.',
    resolve: (m, _args, ctx) => (m.senderType === 'BOT' ? traceOf(ctx, m.id) : null),
  }),
);

builder.objectField(MessageType, 'aiPrompt', (t) =>
  t.string({
    nullable: true,
    description: 'The full prompt the AI answered (system prompt, passages, history). OWNER / ADMIN only: null for others.',
    resolve: async (m, _args, ctx) => {
      if (m.senderType !== 'BOT' || !MANAGERS.includes(requireAuth(ctx).role)) return null;
      return (await traceOf(ctx, m.id))?.prompt ?? null;
    },
  }),
);

builder.queryField('message', (t) =>
  t.field({
    type: MessageType,
    nullable: true,
    description: "One message of the workspace (the inbox's \"why this reply\" panel loads its trace this way); null for an unknown or another workspace's id.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx);
      const id = String(args.id);
      return z.string().uuid().safeParse(id).success ? loadMessage(ctx.orm.em.fork(), workspaceId, id) : null;
    },
  }),
);

/** Per request, the traces asked for in one tick, loaded in one query (a thread of 200 messages costs one). */
interface TraceBatch {
  wanted: Map<string, Promise<MessageAiTrace | null>>;
  rows: Promise<Map<string, MessageAiTrace>>;
}
const batches = new WeakMap<GraphQLContext, TraceBatch>();

function traceOf(ctx: GraphQLContext, messageId: string): Promise<MessageAiTrace | null> {
  let batch = batches.get(ctx);
  if (!batch) {
    const wanted = new Map<string, Promise<MessageAiTrace | null>>();
    // Runs after the resolvers of this tick asked for their ids.
    const rows = Promise.resolve().then(async () => {
      batches.delete(ctx);
      const found = await ctx.orm.em.fork().find(MessageAiTrace, { messageId: { $in: [...wanted.keys()] }, workspaceId: requireAuth(ctx).workspaceId });
      return new Map(found.map((row) => [row.messageId, row]));
    });
    batch = { wanted, rows };
    batches.set(ctx, batch);
  }
  const { wanted, rows } = batch;
  let trace = wanted.get(messageId);
  if (!trace) {
    trace = rows.then((byId) => byId.get(messageId) ?? null);
    wanted.set(messageId, trace);
  }
  return trace;
}
