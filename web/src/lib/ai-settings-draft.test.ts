import { aiSettingsInput, draftFromAiSettings, moveProvider, validateAiDraft } from './ai-settings-draft';

const settings = {
  enabled: true,
  botName: null,
  persona: 'Be kind.',
  temperature: 0.3,
  historyMessages: 12,
  confidenceThreshold: 0.6,
  sensitiveTopics: ['refund', 'legal'],
  approvalMode: 'OFF' as const,
  handoverMessage: 'A colleague will answer.',
  debounceSeconds: 3,
  knowledgeBaseIds: [],
  providers: [
    { kind: 'ANTHROPIC' as const, baseUrl: 'https://api.anthropic.com', model: 'claude', hasApiKey: true },
    { kind: 'OPENAI_COMPATIBLE' as const, baseUrl: 'http://localhost:11434/v1', model: 'llama', hasApiKey: false },
  ],
};

describe('AI settings draft', () => {
  test('round trip: a stored key is left out of the input unless a new one is typed', () => {
    const draft = draftFromAiSettings(settings);
    expect(validateAiDraft(draft)).toEqual({});
    const input = aiSettingsInput(draft);
    expect(input.providers).toEqual([
      { kind: 'ANTHROPIC', baseUrl: 'https://api.anthropic.com', model: 'claude' },
      { kind: 'OPENAI_COMPATIBLE', baseUrl: 'http://localhost:11434/v1', model: 'llama' },
    ]);
    expect(input).toMatchObject({ botName: null, persona: 'Be kind.', sensitiveTopics: ['refund', 'legal'], debounceSeconds: 3 });
    draft.providers[1].apiKey = ' sk-new ';
    expect(aiSettingsInput(draft).providers![1]).toEqual({ kind: 'OPENAI_COMPATIBLE', baseUrl: 'http://localhost:11434/v1', model: 'llama', apiKey: 'sk-new' });
  });

  test('ranges, URLs, an empty model and AI on without a provider are refused by field', () => {
    const draft = { ...draftFromAiSettings(settings), confidenceThreshold: '1.5', debounceSeconds: '2.5', historyMessages: '', temperature: 'x' };
    draft.providers = [{ ...draft.providers[0], baseUrl: 'ftp://x', model: ' ' }];
    expect(Object.keys(validateAiDraft(draft)).sort()).toEqual(['confidenceThreshold', 'debounceSeconds', 'historyMessages', 'providers.0.baseUrl', 'providers.0.model', 'temperature']);
    expect(validateAiDraft({ ...draftFromAiSettings(settings), providers: [] }).providers).toMatch(/at least one provider/);
  });

  test('moving a provider changes the failover order, not past either end', () => {
    const { providers } = draftFromAiSettings(settings);
    expect(moveProvider(providers, 1, -1).map((p) => p.model)).toEqual(['llama', 'claude']);
    expect(moveProvider(providers, 0, -1)).toBe(providers);
    expect(moveProvider(providers, 1, 1)).toBe(providers);
  });
});
