/** "Test connection" on the AI settings page: one short request to a provider, its answer or its error. */
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { validate } from '../errors';
import { AiSettings } from '../../../schema/entities/ai-settings.entity';
import { aiSettingsValues } from '../../../schema/ai-settings-defaults';
import { openProviders } from '../../../activities/ai/open-providers';
import { createProvider } from '../../../activities/ai/providers/create-provider';
import { parseReplyOutput } from '../../../activities/ai/reply-output';
import { AI_TEST_CONNECTION_TIMEOUT_MS } from '../../../activities/ai/timeouts';
import { AiProviderInput, providerSchema } from './ai-settings';

interface ProviderTest {
  ok: boolean;
  latencyMs: number;
  reply: string | null;
  error: string | null;
}

const AiProviderTestType = builder.objectRef<ProviderTest>('AiProviderTest').implement({
  description: 'What a provider answered to a short test request.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    latencyMs: t.exposeInt('latencyMs'),
    reply: t.exposeString('reply', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

builder.mutationField('testAiProvider', (t) =>
  t.field({
    type: AiProviderTestType,
    description: 'OWNER / ADMIN. Without apiKey, the key stored for the same kind and base URL is used.',
    args: { input: t.arg({ type: AiProviderInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(providerSchema, args.input);
      const stored = aiSettingsValues(await ctx.orm.em.fork().findOne(AiSettings, { workspaceId })).providers;
      const storedKey = () => {
        const match = stored.filter((p) => p.kind === input.kind && p.baseUrl === input.baseUrl);
        return match.length ? openProviders(ctx.config.encryptionKey, workspaceId, match)[0].apiKey : null;
      };
      const provider = createProvider({ kind: input.kind, baseUrl: input.baseUrl, model: input.model, apiKey: input.apiKey === undefined ? storedKey() : input.apiKey });
      const started = Date.now();
      try {
        const answer = await provider.complete({
          system: 'This is a connection test. Call the reply tool with a one-sentence greeting, confidence 1, escalate false.',
          messages: [{ role: 'user', content: 'Hello!' }],
          temperature: 0,
          timeoutMs: AI_TEST_CONNECTION_TIMEOUT_MS,
        });
        const output = parseReplyOutput(answer.toolInput);
        return output
          ? { ok: true, latencyMs: Date.now() - started, reply: output.reply, error: null }
          : { ok: false, latencyMs: Date.now() - started, reply: null, error: 'the provider answered, but not in the reply tool\'s format (does the model support tool calling?)' };
      } catch (err) {
        return { ok: false, latencyMs: Date.now() - started, reply: null, error: err instanceof Error ? err.message : String(err) };
      }
    },
  }),
);
