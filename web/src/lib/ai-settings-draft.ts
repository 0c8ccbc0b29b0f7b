/** The AI settings form's draft: what the page edits, and the input it saves. Pure. */
import type { AiProviderInput, AiProviderKind, AiSettings, AiSettingsInput } from '../graphql/ai-operations';

export interface ProviderDraft {
  kind: AiProviderKind;
  baseUrl: string;
  model: string;
  /** Typed here; empty keeps the stored key (keys are write-only). */
  apiKey: string;
  hasApiKey: boolean;
}

export interface AiSettingsDraft {
  enabled: boolean;
  botName: string;
  persona: string;
  providers: ProviderDraft[];
  temperature: string;
  historyMessages: string;
  confidenceThreshold: string;
  /** Comma-separated. */
  sensitiveTopics: string;
  approvalMode: AiSettings['approvalMode'];
  handoverMessage: string;
  debounceSeconds: string;
}

/** Where each kind is usually reached, filled in when a provider is added. */
export const DEFAULT_BASE_URLS: Record<AiProviderKind, string> = {
  ANTHROPIC: 'https://api.anthropic.com',
  OPENAI_COMPATIBLE: 'https://api.openai.com/v1',
};

export function draftFromAiSettings(s: AiSettings): AiSettingsDraft {
  return {
    enabled: s.enabled,
    botName: s.botName ?? '',
    persona: s.persona ?? '',
    providers: s.providers.map((p) => ({ kind: p.kind, baseUrl: p.baseUrl, model: p.model, apiKey: '', hasApiKey: p.hasApiKey })),
    temperature: String(s.temperature),
    historyMessages: String(s.historyMessages),
    confidenceThreshold: String(s.confidenceThreshold),
    sensitiveTopics: s.sensitiveTopics.join(', '),
    approvalMode: s.approvalMode,
    handoverMessage: s.handoverMessage,
    debounceSeconds: String(s.debounceSeconds),
  };
}

/** A provider as the API takes it: the key only when one was typed (left out, the stored one stays). */
export function providerInput(p: ProviderDraft): AiProviderInput {
  return { kind: p.kind, baseUrl: p.baseUrl.trim(), model: p.model.trim(), ...(p.apiKey.trim() ? { apiKey: p.apiKey.trim() } : {}) };
}

/** The draft's problems by field (the API checks the same and names the field too). */
export function validateAiDraft(d: AiSettingsDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const number = (field: keyof AiSettingsDraft, min: number, max: number, integer: boolean) => {
    const value = Number(d[field]);
    if (String(d[field]).trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      errors[field] = `must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}`;
    }
  };
  number('temperature', 0, 2, false);
  number('historyMessages', 0, 100, true);
  number('confidenceThreshold', 0, 1, false);
  number('debounceSeconds', 0, 60, true);
  d.providers.forEach((p, i) => {
    if (!/^https?:\/\/[^\s]+$/i.test(p.baseUrl.trim())) errors[`providers.${i}.baseUrl`] = 'must be an http(s) URL';
    if (!p.model.trim()) errors[`providers.${i}.model`] = 'is empty';
  });
  if (d.enabled && d.providers.length === 0) errors.providers = 'add at least one provider to turn AI replies on';
  if (!d.handoverMessage.trim()) errors.handoverMessage = 'is empty';
  return errors;
}

/** The whole draft as the mutation's input (blank optional texts reset to the default). */
export function aiSettingsInput(d: AiSettingsDraft): AiSettingsInput {
  return {
    enabled: d.enabled,
    botName: d.botName.trim() || null,
    persona: d.persona.trim() || null,
    providers: d.providers.map(providerInput),
    temperature: Number(d.temperature),
    historyMessages: Number(d.historyMessages),
    confidenceThreshold: Number(d.confidenceThreshold),
    sensitiveTopics: d.sensitiveTopics.split(',').map((t) => t.trim()).filter(Boolean),
    approvalMode: d.approvalMode,
    handoverMessage: d.handoverMessage.trim(),
    debounceSeconds: Number(d.debounceSeconds),
  };
}

/** Moves the provider at `index` one place up (-1) or down (+1) in the failover order. */
export function moveProvider(list: ProviderDraft[], index: number, by: -1 | 1): ProviderDraft[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return list;
  const next = list.slice();
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}
