import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityContext } from '../context';
import { publish } from '../events';
import { AiSettings } from '../../schema/entities/ai-settings.entity';
import { aiSettingsValues } from '../../schema/ai-settings-defaults';
import { Conversation } from '../../schema/entities/conversation.entity';
import { Message } from '../../schema/entities/message.entity';
import { MessageAiTrace, type TraceSource } from '../../schema/entities/message-ai-trace.entity';
import { assemblePrompt } from './assemble-prompt';
import { generateWithFailover, type GenerateResult } from './failover';
import { openProviders } from './open-providers';
import { promptText, type Prompt } from './prompt';
import { AI_UNAVAILABLE, escalationReason } from './escalation';
import { messageWords, readMedia } from './read-media';
import { createBlobStore } from '../../connector/media/blob-store';

/** What retrieval gathered for one burst of customer messages: the prompt to answer with and its passages. */
export interface AiTurn {
  prompt: Prompt;
  sources: TraceSource[];
  temperature: number;
  /** Approval mode (the contact's override, else the workspace's): the reply waits as a DRAFT. */
  draft: boolean;
  /** The burst's text, as the customer wrote it (sensitive topics are looked for in it). */
  customerText: string;
}

/** A flow's AI node: its own prompt (as the step's instructions) and the one knowledge base it answers from (null: the AI settings'). */
export interface FlowAiStep {
  instructions: string | null;
  knowledgeBaseId: string | null;
}

/** What the workflow does with an answer: send (or hold as a draft) the reply row, or hand over to a human. */
export type AiDecision =
  | { kind: 'reply'; messageId: string; idempotencyKey: string; draft: boolean }
  | { kind: 'escalate'; reason: string; handoverMessage: string };

export interface ValidateInput {
  workspaceId: string;
  conversationId: string;
  channelId: string;
  /** The last message of the burst: the reply quotes it. */
  replyToId: string;
  idempotencyKey: string;
  turn: AiTurn;
  result: GenerateResult;
}

export type AiActivities = ReturnType<typeof createAiActivities>;

/** Media reading's share of the retrieve step's 30 s (workflows/presets.ts aiStep); what is left unread is answered from its caption. */
const MEDIA_READING_BUDGET_MS = 20_000;

/**
 * The AI route of the conversation workflow (routing step 6): retrieve → generate → validate; the
 * workflow then sends the reply (or holds the draft) through the messaging activities.
 */
export function createAiActivities(ctx: ActivityContext) {
  const blobs = createBlobStore(ctx.config.media);
  return {
    /**
     * Retrieve: the settings, the contact, what the burst's media says (read-media.ts), the last
     * `historyMessages` messages (the burst included) and the passages for the burst's text; builds the prompt
     * (a flow's AI node: with its instructions, from its knowledge base). Null when AI was turned
     * off since the workflow's settings were read. Reads only.
     */
    async retrieveAiContext(input: { workspaceId: string; conversationId: string; messageIds: string[]; flowStep?: FlowAiStep }): Promise<AiTurn | null> {
      const em = ctx.orm.em.fork();
      const settings = aiSettingsValues(await em.findOne(AiSettings, { workspaceId: input.workspaceId }));
      if (!settings.enabled || settings.providers.length === 0) return null;
      const conversation = await em.findOneOrFail(Conversation, { id: input.conversationId, workspaceId: input.workspaceId }, { populate: ['contact'] });
      const burst = await em.find(Message, { id: { $in: input.messageIds }, workspaceId: input.workspaceId }, { orderBy: { createdAt: 'asc' } });
      const providers = openProviders(ctx.config.encryptionKey, input.workspaceId, settings.providers);
      await readMedia(em, burst, { blobs, providers, timeoutMs: ctx.config.aiProviderTimeoutMs, deadline: Date.now() + MEDIA_READING_BUDGET_MS });
      const history = await recentHistory(em, input.workspaceId, input.conversationId, settings.historyMessages);
      const customerText = burst.map(messageWords).join('\n');
      const { prompt, sources } = await assemblePrompt(em, ctx.knowledge, ctx.config.encryptionKey, {
        workspaceId: input.workspaceId,
        settings,
        question: customerText,
        history,
        contactName: conversation.contact.name ?? null,
        now: new Date(),
        // Retrieval filters by the workspace too: another workspace's knowledge base id finds nothing.
        ...(input.flowStep?.knowledgeBaseId ? { knowledgeBaseIds: [input.flowStep.knowledgeBaseId] } : {}),
        instructions: input.flowStep?.instructions ?? null,
      });
      const approvalMode = conversation.contact.aiApprovalMode ?? settings.approvalMode;
      return { prompt, sources, temperature: settings.temperature, draft: approvalMode === 'ALL', customerText };
    },

    /** Generate: the providers in failover order (keys opened here, never in a workflow payload). Never throws for a provider's failure: that is `unavailable`. */
    async generateAiReply(input: { workspaceId: string; prompt: Prompt; temperature: number }): Promise<GenerateResult> {
      const row = await ctx.orm.em.fork().findOne(AiSettings, { workspaceId: input.workspaceId }, { fields: ['providers'] });
      const providers = openProviders(ctx.config.encryptionKey, input.workspaceId, row?.providers ?? []);
      return generateWithFailover(providers, { ...input.prompt, temperature: input.temperature, timeoutMs: ctx.config.aiProviderTimeoutMs });
    },

    /**
     * Validate: escalate (no provider answered, a sensitive topic, the model's flag, confidence
     * under the threshold) or write the reply (PENDING, or DRAFT in approval mode) with its trace,
     * in one transaction. Idempotent on the reply's key: a retry returns the row it wrote.
     */
    async validateAiReply(input: ValidateInput): Promise<AiDecision> {
      const em = ctx.orm.em.fork();
      const settings = aiSettingsValues(await em.findOne(AiSettings, { workspaceId: input.workspaceId }));
      const { result, turn } = input;
      const reason =
        result.kind === 'unavailable'
          ? AI_UNAVAILABLE
          : escalationReason({ output: result.output, confidenceThreshold: settings.confidenceThreshold, sensitiveTopics: settings.sensitiveTopics, customerText: turn.customerText });
      if (reason || result.kind !== 'answer' || !result.output) return { kind: 'escalate', reason: reason ?? AI_UNAVAILABLE, handoverMessage: settings.handoverMessage };
      const output = result.output;
      const existing = await em.findOne(Message, { idempotencyKey: input.idempotencyKey, workspaceId: input.workspaceId }, { fields: ['id', 'status'] });
      if (existing) return { kind: 'reply', messageId: existing.id, idempotencyKey: input.idempotencyKey, draft: existing.status === 'DRAFT' || existing.status === 'REJECTED' };
      const messageId = randomUUID();
      await em.transactional(async (tx) => {
        tx.create(Message, {
          id: messageId,
          workspaceId: input.workspaceId,
          conversationId: input.conversationId,
          channelId: input.channelId,
          direction: 'OUTBOUND',
          senderType: 'BOT',
          text: output.reply,
          status: turn.draft ? 'DRAFT' : 'PENDING',
          idempotencyKey: input.idempotencyKey,
          replyToId: input.replyToId,
        });
        tx.create(MessageAiTrace, {
          messageId,
          workspaceId: input.workspaceId,
          provider: result.provider,
          model: result.model,
          latencyMs: result.latencyMs,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
          confidence: output.confidence,
          sentiment: output.sentiment,
          language: output.language,
          sources: turn.sources,
          prompt: promptText(turn.prompt),
        });
        await tx.flush();
        await publish(tx as EntityManager, { type: 'messageAdded', workspaceId: input.workspaceId, conversationId: input.conversationId, messageId });
      });
      return { kind: 'reply', messageId, idempotencyKey: input.idempotencyKey, draft: turn.draft };
    },
  };
}

/** The conversation's last `limit` messages the customer saw or wrote, oldest first (drafts and rejected drafts left out). */
async function recentHistory(em: EntityManager, workspaceId: string, conversationId: string, limit: number) {
  const rows = await em.find(
    Message,
    { conversationId, workspaceId, status: { $nin: ['DRAFT', 'REJECTED', 'FAILED'] } },
    { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit, fields: ['direction', 'text', 'details'] },
  );
  return rows.reverse().map((m) => ({ direction: m.direction, text: messageWords(m) }));
}
