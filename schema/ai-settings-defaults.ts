/**
 * A workspace's AI settings, and what they are when it has none: the one place these defaults
 * live (the API shows them, the conversation routes by them, the AI activities prompt by them).
 */
import type { AiSettings, ApprovalMode, StoredAiProvider, StoredEmbeddings } from './entities/ai-settings.entity';

/** Every AI setting resolved (defaults filled in); provider and embedding keys still sealed. */
export interface AiSettingsValues {
  enabled: boolean;
  providers: StoredAiProvider[];
  botName: string | null;
  persona: string | null;
  temperature: number;
  historyMessages: number;
  confidenceThreshold: number;
  sensitiveTopics: string[];
  approvalMode: ApprovalMode;
  handoverMessage: string;
  debounceSeconds: number;
  knowledgeBaseIds: string[];
  embeddings: StoredEmbeddings | null;
}

/** Without a row, or for a column left null. */
export const AI_DEFAULTS: AiSettingsValues = {
  enabled: false,
  providers: [],
  botName: null,
  persona: null,
  temperature: 0.3,
  historyMessages: 12,
  confidenceThreshold: 0.6,
  sensitiveTopics: ['refund', 'complaint', 'legal'],
  approvalMode: 'OFF',
  handoverMessage: 'Thanks for your patience: a member of our team will take it from here.',
  debounceSeconds: 3,
  knowledgeBaseIds: [],
  embeddings: null,
};

/** A workspace's AI settings: its row's values, the defaults where it has none. */
export function aiSettingsValues(row: AiSettings | null | undefined): AiSettingsValues {
  if (!row) return { ...AI_DEFAULTS, providers: [], sensitiveTopics: [...AI_DEFAULTS.sensitiveTopics], knowledgeBaseIds: [] };
  return {
    enabled: row.enabled,
    providers: row.providers ?? [],
    botName: row.botName ?? null,
    persona: row.persona ?? null,
    temperature: real(row.temperature) ?? AI_DEFAULTS.temperature,
    historyMessages: row.historyMessages ?? AI_DEFAULTS.historyMessages,
    confidenceThreshold: real(row.confidenceThreshold) ?? AI_DEFAULTS.confidenceThreshold,
    sensitiveTopics: row.sensitiveTopics ?? [...AI_DEFAULTS.sensitiveTopics],
    approvalMode: row.approvalMode,
    handoverMessage: row.handoverMessage ?? AI_DEFAULTS.handoverMessage,
    debounceSeconds: row.debounceSeconds ?? AI_DEFAULTS.debounceSeconds,
    knowledgeBaseIds: row.knowledgeBaseIds ?? [],
    embeddings: row.embeddings ?? null,
  };
}

/** A `real` column read back as the value that was written (0.6, not 0.6000000238). */
function real(value: number | null | undefined): number | null {
  return value == null ? null : Math.round(value * 1e4) / 1e4;
}
