/**
 * The knowledge page's test panel: a question answered with the same retrieval, prompt and
 * providers as the bot, without a conversation (nothing is sent or stored).
 */
import { z } from 'zod';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, notFound, validate } from '../errors';
import { KnowledgeBase } from '../../../schema/entities/knowledge-base.entity';
import { AiSettings } from '../../../schema/entities/ai-settings.entity';
import type { TraceSource } from '../../../schema/entities/message-ai-trace.entity';
import { aiSettingsValues } from '../../../schema/ai-settings-defaults';
import { assemblePrompt } from '../../../activities/ai/assemble-prompt';
import { generateWithFailover } from '../../../activities/ai/failover';
import { openProviders } from '../../../activities/ai/open-providers';
import { AI_UNAVAILABLE } from '../../../activities/ai/escalation';

interface KnowledgeAnswer {
  answer: string | null;
  confidence: number;
  sources: TraceSource[];
  error: string | null;
}

const KnowledgeSourceType = builder.objectRef<TraceSource>('KnowledgeSource').implement({
  description: 'A passage the answer was grounded in.',
  fields: (t) => ({ documentName: t.exposeString('documentName'), text: t.exposeString('text'), score: t.exposeFloat('score') }),
});

const KnowledgeAnswerType = builder.objectRef<KnowledgeAnswer>('KnowledgeAnswer').implement({
  description: "What the bot would answer, and the passages it used.",
  fields: (t) => ({
    answer: t.exposeString('answer', { nullable: true, description: 'null: no provider answered (see error).' }),
    confidence: t.exposeFloat('confidence'),
    sources: t.field({ type: [KnowledgeSourceType], resolve: (a) => a.sources }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const questionSchema = z.object({ question: z.string().trim().min(1, 'is empty').max(2000, 'is longer than 2000 characters') });

builder.queryField('askKnowledgeBase', (t) =>
  t.field({
    type: KnowledgeAnswerType,
    description: 'OWNER / ADMIN: answers a question from one knowledge base, as the bot would.',
    args: { knowledgeBaseId: t.arg.id({ required: true }), question: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const { question } = validate(questionSchema, { question: args.question });
      const knowledgeBaseId = String(args.knowledgeBaseId);
      const em = ctx.orm.em.fork();
      if (!z.string().uuid().safeParse(knowledgeBaseId).success || !(await em.findOne(KnowledgeBase, { id: knowledgeBaseId, workspaceId }))) throw notFound('knowledge base');
      const settings = aiSettingsValues(await em.findOne(AiSettings, { workspaceId }));
      if (settings.providers.length === 0) throw badInput('knowledgeBaseId: add an AI provider in the AI settings first', 'knowledgeBaseId');
      const { prompt, sources } = await assemblePrompt(em, ctx.knowledge, ctx.config.encryptionKey, {
        workspaceId,
        settings,
        question,
        history: [{ direction: 'INBOUND', text: question }],
        contactName: null,
        knowledgeBaseIds: [knowledgeBaseId],
        now: new Date(),
      });
      const result = await generateWithFailover(openProviders(ctx.config.encryptionKey, workspaceId, settings.providers), {
        ...prompt,
        temperature: settings.temperature,
        timeoutMs: ctx.config.aiProviderTimeoutMs,
      });
      if (result.kind === 'unavailable') return { answer: null, confidence: 0, sources, error: AI_UNAVAILABLE };
      if (!result.output) return { answer: null, confidence: 0, sources, error: 'the AI answer was malformed' };
      return { answer: result.output.reply, confidence: result.output.confidence, sources, error: null };
    },
  }),
);
