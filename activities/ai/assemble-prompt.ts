/**
 * Gathers what a prompt needs from Postgres and the retriever, for the bot's reply and for
 * askKnowledgeBase alike (the test panel answers exactly as the bot would).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BotSettings } from '../../schema/entities/bot-settings.entity';
import { Workspace } from '../../schema/entities/workspace.entity';
import { botSettingsValues } from '../../schema/bot-settings-defaults';
import type { AiSettingsValues } from '../../schema/ai-settings-defaults';
import type { TraceSource } from '../../schema/entities/message-ai-trace.entity';
import { isWithinBusinessHours } from '../../workflows/routing';
import type { Knowledge } from '../knowledge';
import { openEmbeddings } from './open-providers';
import { buildPrompt, type HistoryMessage, type Prompt } from './prompt';

/** How many passages a reply is grounded in. */
export const PASSAGE_LIMIT = 5;

export interface AssembleInput {
  workspaceId: string;
  settings: AiSettingsValues;
  /** What retrieval searches for: the customer's latest words. */
  question: string;
  history: HistoryMessage[];
  contactName: string | null;
  /** askKnowledgeBase, a flow's AI node: this knowledge base only; otherwise the settings' (empty: all of the workspace's). */
  knowledgeBaseIds?: string[];
  /** A flow's AI node: its prompt, as the step's instructions. */
  instructions?: string | null;
  now: Date;
}

/** A prompt with the passages it carries (recorded on the reply's trace). */
export interface AssembledPrompt {
  prompt: Prompt;
  sources: TraceSource[];
}

/** `knowledge` absent (a process without the knowledge services): no passages, and the prompt says so. */
export async function assemblePrompt(em: EntityManager, knowledge: Knowledge | undefined, encryptionKey: Buffer, input: AssembleInput): Promise<AssembledPrompt> {
  const [workspace, botRow] = await Promise.all([
    em.findOneOrFail(Workspace, input.workspaceId, { fields: ['name'] }),
    em.findOne(BotSettings, { workspaceId: input.workspaceId }),
  ]);
  const bot = botSettingsValues(botRow);
  const knowledgeBaseIds = input.knowledgeBaseIds ?? input.settings.knowledgeBaseIds;
  // The workspace's own embeddings endpoint when it has one (its vectors were made with it), else the platform's default.
  const embedder = input.settings.embeddings ? knowledge?.embedderFor(openEmbeddings(encryptionKey, input.workspaceId, input.settings.embeddings)) : undefined;
  const passages = knowledge
    ? await knowledge.retriever.retrieve({ workspaceId: input.workspaceId, knowledgeBaseIds: knowledgeBaseIds.length ? knowledgeBaseIds : null, text: input.question, limit: PASSAGE_LIMIT, embedder })
    : [];
  const prompt = buildPrompt({
    persona: input.settings.persona,
    botName: input.settings.botName,
    businessName: workspace.name,
    timeZone: bot.timeZone,
    businessHours: bot.businessHours,
    outsideBusinessHours: !isWithinBusinessHours(bot, input.now),
    now: input.now,
    contactName: input.contactName,
    passages,
    history: input.history,
    retrievalAvailable: knowledge !== undefined,
    instructions: input.instructions ?? null,
  });
  return { prompt, sources: passages.map(({ id, documentName, text, score }) => ({ id, documentName, text, score })) };
}
