import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.entity';

export const AI_PROVIDER_KINDS = ['ANTHROPIC', 'OPENAI_COMPATIBLE'] as const;
/** Which wire protocol a provider speaks: Anthropic's Messages API, or OpenAI's chat completions (OpenAI, Ollama, vLLM, LM Studio). */
export type AiProviderKind = (typeof AI_PROVIDER_KINDS)[number];
export const APPROVAL_MODES = ['OFF', 'ALL'] as const;
/** OFF: the bot's replies go out; ALL: each one is a draft an agent approves. */
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** One LLM provider as stored: its key sealed (schema/crypto.ts), never returned. */
export interface StoredAiProvider {
  kind: AiProviderKind;
  baseUrl: string;
  model: string;
  /** encryptSecret(…, aiSecretScope(workspaceId)); null: the endpoint takes no key (a local Ollama). */
  apiKeySealed: string | null;
}

/** An OpenAI-compatible embeddings endpoint, its key sealed like a provider's. */
export interface StoredEmbeddings {
  baseUrl: string;
  model: string;
  dimensions: number;
  apiKeySealed: string | null;
}

/** The associated data every AI secret of a workspace is sealed with: a ciphertext copied to another workspace does not open. */
export function aiSecretScope(workspaceId: string): string {
  return `ai-settings:${workspaceId}`;
}

/** A workspace's AI settings (issue 10): providers in failover order, persona, thresholds, approval, debounce. Defaults: schema/ai-settings-defaults.ts. */
export const AiSettings = defineEntity({
  name: 'AiSettings',
  tableName: 'ai_settings',
  properties: {
    workspaceId: p.oneToOne(Workspace).mapToPk().fieldName('workspace_id').primary().deleteRule('cascade').updateRule('no action'),
    enabled: p.boolean().default(false),
    /** The list order is the failover order. */
    providers: p.json<StoredAiProvider[]>().nullable(),
    botName: p.text().nullable(),
    persona: p.text().nullable(),
    temperature: p.float().nullable(),
    historyMessages: p.integer().nullable(),
    confidenceThreshold: p.float().nullable(),
    sensitiveTopics: p.json<string[]>().nullable(),
    approvalMode: p.enum(APPROVAL_MODES).default('OFF'),
    handoverMessage: p.text().nullable(),
    debounceSeconds: p.integer().nullable(),
    /** Empty or null: every knowledge base of the workspace. */
    knowledgeBaseIds: p.json<string[]>().nullable(),
    embeddings: p.json<StoredEmbeddings>().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export type AiSettings = InferEntity<typeof AiSettings>;
