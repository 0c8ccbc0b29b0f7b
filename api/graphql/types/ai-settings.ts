/**
 * AI settings (issue 10; OWNER / ADMIN): providers in failover order with write-only keys, persona,
 * thresholds, sensitive topics, approval mode, debounce, knowledge bases, embeddings. A change bumps
 * the workspace's settings_version (a trigger), so running conversations read it with their next message.
 */
import { z } from 'zod';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { badInput, validate } from '../errors';
import { KnowledgeBase } from '../../../schema/entities/knowledge-base.entity';
import { encryptSecret } from '../../../schema/crypto';
import {
  AI_PROVIDER_KINDS,
  APPROVAL_MODES,
  AiSettings,
  aiSecretScope,
  type StoredAiProvider,
  type StoredEmbeddings,
} from '../../../schema/entities/ai-settings.entity';
import { aiSettingsValues, type AiSettingsValues } from '../../../schema/ai-settings-defaults';
import { requestWorkspaceEmbeddings } from '../../../workflows/workspace-embeddings.client';

export const AiProviderKindEnum = builder.enumType('AiProviderKind', { values: AI_PROVIDER_KINDS });
export const ApprovalModeEnum = builder.enumType('ApprovalMode', { values: APPROVAL_MODES });

const AiProviderType = builder.objectRef<StoredAiProvider>('AiProvider').implement({
  description: 'One LLM provider; the list order is the failover order. The key is write-only.',
  fields: (t) => ({
    kind: t.field({ type: AiProviderKindEnum, resolve: (p) => p.kind }),
    baseUrl: t.exposeString('baseUrl'),
    model: t.exposeString('model'),
    hasApiKey: t.boolean({ resolve: (p) => p.apiKeySealed !== null }),
  }),
});

const AiEmbeddingsType = builder.objectRef<StoredEmbeddings>('AiEmbeddings').implement({
  description: 'An OpenAI-compatible embeddings endpoint (the key is write-only); none: the local model.',
  fields: (t) => ({
    baseUrl: t.exposeString('baseUrl'),
    model: t.exposeString('model'),
    dimensions: t.exposeInt('dimensions'),
    hasApiKey: t.boolean({ resolve: (e) => e.apiKeySealed !== null }),
  }),
});

/** A workspace's AI settings (its row's values, or the defaults). */
const AiSettingsType = builder.objectRef<AiSettingsValues>('AiSettings').implement({
  description: "The workspace's AI replies: providers, persona, thresholds, approval and debounce.",
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    providers: t.field({ type: [AiProviderType], resolve: (s) => s.providers }),
    botName: t.exposeString('botName', { nullable: true }),
    persona: t.exposeString('persona', { nullable: true, description: 'The system prompt; null: a default one naming the workspace.' }),
    temperature: t.exposeFloat('temperature'),
    historyMessages: t.exposeInt('historyMessages', { description: 'How many recent messages the model sees.' }),
    confidenceThreshold: t.exposeFloat('confidenceThreshold', { description: 'A reply less confident than this goes to a human.' }),
    sensitiveTopics: t.exposeStringList('sensitiveTopics', { description: 'A customer message about one of these always goes to a human.' }),
    approvalMode: t.field({ type: ApprovalModeEnum, resolve: (s) => s.approvalMode }),
    handoverMessage: t.exposeString('handoverMessage', { description: 'What the customer is told when a human takes over from the bot.' }),
    debounceSeconds: t.exposeInt('debounceSeconds', { description: 'Messages this close together are answered once, together.' }),
    knowledgeBaseIds: t.exposeIDList('knowledgeBaseIds', { description: 'Empty: every knowledge base of the workspace.' }),
    embeddings: t.field({ type: AiEmbeddingsType, nullable: true, resolve: (s) => s.embeddings }),
  }),
});

export const AiProviderInput = builder.inputType('AiProviderInput', {
  description: 'Left out, apiKey keeps the key stored for the same kind and base URL; null removes it.',
  fields: (t) => ({
    kind: t.field({ type: AiProviderKindEnum, required: true }),
    baseUrl: t.string({ required: true, description: 'Anthropic: without /v1 (https://api.anthropic.com); OpenAI-compatible: with /v1.' }),
    model: t.string({ required: true }),
    apiKey: t.string(),
  }),
});

const AiEmbeddingsInput = builder.inputType('AiEmbeddingsInput', {
  fields: (t) => ({
    baseUrl: t.string({ required: true }),
    model: t.string({ required: true }),
    apiKey: t.string(),
    dimensions: t.int({ required: true }),
  }),
});

const AiSettingsInput = builder.inputType('AiSettingsInput', {
  description: 'Fields left out keep their value; null resets one to its default.',
  fields: (t) => ({
    enabled: t.boolean(),
    providers: t.field({ type: [AiProviderInput] }),
    botName: t.string(),
    persona: t.string(),
    temperature: t.float(),
    historyMessages: t.int(),
    confidenceThreshold: t.float(),
    sensitiveTopics: t.stringList(),
    approvalMode: t.field({ type: ApprovalModeEnum }),
    handoverMessage: t.string(),
    debounceSeconds: t.int(),
    knowledgeBaseIds: t.idList(),
    embeddings: t.field({ type: AiEmbeddingsInput }),
  }),
});

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');
const apiKey = z.string().trim().min(1, 'is empty (leave it out to keep the stored key, or null to remove it)').max(1000).nullish();
const model = z.string().trim().min(1, 'is empty').max(200);

/** AiProviderInput, checked. */
export const providerSchema = z.object({ kind: z.enum(AI_PROVIDER_KINDS), baseUrl: httpUrl, model, apiKey });

const settingsSchema = z.object({
  enabled: z.boolean().nullish(),
  providers: z.array(providerSchema).max(5, 'at most 5 providers').nullish(),
  botName: z.string().trim().min(1, 'is empty (use null for none)').max(80).nullish(),
  persona: z.string().trim().min(1, 'is empty (use null for the default)').max(8000, 'is longer than 8000 characters').nullish(),
  temperature: z.number().min(0, 'must be 0 to 2').max(2, 'must be 0 to 2').nullish(),
  historyMessages: z.number().int().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100').nullish(),
  confidenceThreshold: z.number().min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').nullish(),
  sensitiveTopics: z.array(z.string().trim().min(1, 'is empty').max(80)).max(50).nullish(),
  approvalMode: z.enum(APPROVAL_MODES).nullish(),
  handoverMessage: z.string().trim().min(1, 'is empty (use null for the default)').max(4096, 'is longer than WhatsApp allows (4096 characters)').nullish(),
  debounceSeconds: z.number().int().min(0, 'must be 0 to 60 seconds').max(60, 'must be 0 to 60 seconds').nullish(),
  knowledgeBaseIds: z.array(z.string().uuid('is not a valid id')).max(50).nullish(),
  embeddings: z.object({ baseUrl: httpUrl, model, apiKey, dimensions: z.number().int().min(1, 'must be 1 to 8192').max(8192, 'must be 1 to 8192') }).nullish(),
});
type SettingsInput = z.infer<typeof settingsSchema>;

/** A workspace's AI settings, or the defaults when it has never saved any. */
export async function loadAiSettings(em: EntityManager, workspaceId: string): Promise<AiSettingsValues> {
  return aiSettingsValues(await em.findOne(AiSettings, { workspaceId }));
}

builder.queryField('aiSettings', (t) =>
  t.field({
    type: AiSettingsType,
    description: 'OWNER / ADMIN.',
    resolve: (_root, _args, ctx) => loadAiSettings(ctx.orm.em.fork(), requireAuth(ctx, MANAGERS).workspaceId),
  }),
);

builder.mutationField('updateAiSettings', (t) =>
  t.field({
    type: AiSettingsType,
    description: 'OWNER / ADMIN. Keys are sealed at rest and never returned (hasApiKey).',
    args: { input: t.arg({ type: AiSettingsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(settingsSchema, args.input);
      const seal = (key: string) => encryptSecret(ctx.config.encryptionKey, key, aiSecretScope(workspaceId));
      let before: StoredEmbeddings | null = null;
      const updated = await ctx.orm.em.fork().transactional(async (tx) => {
        const em = tx as EntityManager;
        if (input.knowledgeBaseIds?.length) await assertKnowledgeBases(em, workspaceId, input.knowledgeBaseIds);
        // Locked, so a key kept from the stored row is the one stored when this write lands.
        const row = await em.findOne(AiSettings, { workspaceId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const current = aiSettingsValues(row);
        before = current.embeddings;
        const changes = columnsFor(input, current, seal);
        const saved = row ?? em.create(AiSettings, { workspaceId });
        em.assign(saved, { ...changes, updatedAt: new Date() });
        await em.flush();
        const after = aiSettingsValues(saved);
        await markWidthChangeStale(em, workspaceId, before, after.embeddings);
        return after;
      });
      // Another embedding model: the workspace's documents and FAQs are re-embedded by its
      // embeddings workflow (until then a passage is found by full-text, its vectors being another model's).
      if (input.embeddings !== undefined && embeddingsIdentity(before) !== embeddingsIdentity(updated.embeddings)) {
        await requestWorkspaceEmbeddings(ctx.temporal, ctx.config.taskQueue, workspaceId);
      }
      return updated;
    },
  }),
);

/**
 * The same model at another width: vectors are matched by model name (a table per model and
 * width), so nothing would look stale to the embeddings workflow and every passage would be found
 * by full-text only. The workspace's documents and FAQs of that model are marked unembedded, in the
 * settings' own transaction, and the workflow re-embeds them; once one is at the new width, its
 * vectors at the old one are removed (an ingestion under way starts its embedding over).
 */
async function markWidthChangeStale(em: EntityManager, workspaceId: string, before: StoredEmbeddings | null, after: StoredEmbeddings | null): Promise<void> {
  if (!before || !after || before.model !== after.model || before.dimensions === after.dimensions) return;
  for (const table of ['documents', 'faqs']) {
    await em.execute(`update ${table} set embedding_model = null where workspace_id = ? and embedding_model = ?`, [workspaceId, after.model]);
  }
}

/** What makes vectors of one model: the endpoint, its model and width (the key does not). */
function embeddingsIdentity(embeddings: StoredEmbeddings | null): string {
  return embeddings ? JSON.stringify([embeddings.baseUrl, embeddings.model, embeddings.dimensions]) : 'default';
}

/** Every id must be one of the workspace's knowledge bases (another workspace's is as unknown as a made-up one). */
async function assertKnowledgeBases(em: EntityManager, workspaceId: string, ids: string[]): Promise<void> {
  const found = new Set((await em.find(KnowledgeBase, { id: { $in: ids }, workspaceId }, { fields: ['id'] })).map((kb) => kb.id));
  const index = ids.findIndex((id) => !found.has(id));
  if (index >= 0) throw badInput(`knowledgeBaseIds.${index}: no such knowledge base`, `knowledgeBaseIds.${index}`);
}

/** The columns an update writes: only the fields given (null: back to the default), keys sealed or kept. */
function columnsFor(input: SettingsInput, current: AiSettingsValues, seal: (key: string) => string): Partial<AiSettings> {
  const changes: Partial<AiSettings> = {};
  const set = <K extends keyof SettingsInput & keyof AiSettings>(key: K, value: AiSettings[K]) => {
    if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = value;
  };
  set('enabled', input.enabled ?? false);
  set('botName', input.botName ?? null);
  set('persona', input.persona ?? null);
  set('temperature', input.temperature ?? null);
  set('historyMessages', input.historyMessages ?? null);
  set('confidenceThreshold', input.confidenceThreshold ?? null);
  set('sensitiveTopics', input.sensitiveTopics ?? null);
  set('approvalMode', input.approvalMode ?? 'OFF');
  set('handoverMessage', input.handoverMessage ?? null);
  set('debounceSeconds', input.debounceSeconds ?? null);
  set('knowledgeBaseIds', input.knowledgeBaseIds ?? null);
  set(
    'providers',
    input.providers?.map((p) => ({
      kind: p.kind,
      baseUrl: p.baseUrl,
      model: p.model,
      apiKeySealed: sealedKey(p.apiKey, current.providers.find((s) => s.kind === p.kind && s.baseUrl === p.baseUrl)?.apiKeySealed, seal),
    })) ?? null,
  );
  set(
    'embeddings',
    input.embeddings
      ? {
          baseUrl: input.embeddings.baseUrl,
          model: input.embeddings.model,
          dimensions: input.embeddings.dimensions,
          apiKeySealed: sealedKey(input.embeddings.apiKey, current.embeddings?.baseUrl === input.embeddings.baseUrl ? current.embeddings.apiKeySealed : null, seal),
        }
      : null,
  );
  return changes;
}

/** Given: sealed; left out: the stored one for the same endpoint; null: none. */
function sealedKey(given: string | null | undefined, stored: string | null | undefined, seal: (key: string) => string): string | null {
  if (given === undefined) return stored ?? null;
  return given === null ? null : seal(given);
}
