/** The dashboard's AI documents: settings, provider test, drafts, a reply's trace, the knowledge test panel. */
import { gql } from './client';
import { MessageFields } from './fragments';
import { graphql, type ResultOf, type VariablesOf } from './graphql';
import { announceMessage } from './live';

const AiSettingsFields = graphql(`
  fragment AiSettingsFields on AiSettings {
    enabled botName persona temperature historyMessages confidenceThreshold sensitiveTopics approvalMode handoverMessage
    debounceSeconds knowledgeBaseIds providers { kind baseUrl model hasApiKey }
  }
`);
/** The workspace's AI settings as the API shows them (keys only as hasApiKey). */
export type AiSettings = ResultOf<typeof AiSettingsFields>;
export type AiProviderKind = AiSettings['providers'][number]['kind'];

const AiSettingsQuery = graphql(`query AiSettings { aiSettings { ...AiSettingsFields } }`, [AiSettingsFields]);
const UpdateAiSettings = graphql(`
  mutation UpdateAiSettings($input: AiSettingsInput!) { updateAiSettings(input: $input) { ...AiSettingsFields } }
`, [AiSettingsFields]);
export type AiSettingsInput = VariablesOf<typeof UpdateAiSettings>['input'];
export type AiProviderInput = NonNullable<AiSettingsInput['providers']>[number];

export async function fetchAiSettings() {
  return (await gql(AiSettingsQuery, {})).aiSettings;
}

export async function updateAiSettings(input: AiSettingsInput) {
  return (await gql(UpdateAiSettings, { input })).updateAiSettings;
}

const TestAiProvider = graphql(`
  mutation TestAiProvider($input: AiProviderInput!) { testAiProvider(input: $input) { ok latencyMs reply error } }
`);

/** "Test connection": one short request to the provider as entered (the stored key when none is typed). */
export async function testAiProvider(input: AiProviderInput) {
  return (await gql(TestAiProvider, { input })).testAiProvider;
}

const ApproveDraft = graphql(`
  mutation ApproveDraft($id: ID!, $text: String) { approveDraft(messageId: $id, text: $text) { ...MessageFields } }
`, [MessageFields]);
const RejectDraft = graphql(`mutation RejectDraft($id: ID!) { rejectDraft(messageId: $id) { ...MessageFields } }`, [MessageFields]);

/** Sends an AI draft (with the agent's edit, if any); the thread hears of it at once. */
export async function approveDraft(messageId: string, text: string | null) {
  const message = (await gql(ApproveDraft, { id: messageId, text })).approveDraft;
  announceMessage(message);
  return message;
}

export async function rejectDraft(messageId: string) {
  const message = (await gql(RejectDraft, { id: messageId })).rejectDraft;
  announceMessage(message);
  return message;
}

const MessageTrace = graphql(`
  query MessageTrace($id: ID!) {
    message(id: $id) { id ai { provider model latencyMs inputTokens outputTokens confidence sentiment language sources { documentName text score } } aiPrompt }
  }
`);
/** Why the bot said what it said (the prompt only for owners and admins). */
export type MessageTrace = NonNullable<ResultOf<typeof MessageTrace>['message']>;

export async function fetchMessageTrace(messageId: string) {
  return (await gql(MessageTrace, { id: messageId })).message;
}

const AskKnowledgeBase = graphql(`
  query AskKnowledgeBase($kb: ID!, $q: String!) { askKnowledgeBase(knowledgeBaseId: $kb, question: $q) { answer confidence error sources { documentName text score } } }
`);
export type KnowledgeAnswer = ResultOf<typeof AskKnowledgeBase>['askKnowledgeBase'];

/** The knowledge test panel: what the bot would answer, with the passages. */
export async function askKnowledgeBase(knowledgeBaseId: string, question: string) {
  return (await gql(AskKnowledgeBase, { kb: knowledgeBaseId, q: question })).askKnowledgeBase;
}
