/** The dashboard's Cloud API operations: a channel's webhook and credentials, its test message, its templates. */
import { gql } from './client';
import { graphql, type ResultOf, type VariablesOf } from './graphql';

const CloudChannels = graphql(`query CloudChannels { channels { id kind status webhookUrl verifyToken } }`);
const UpdateChannelCredentials = graphql(`
  mutation UpdateChannelCredentials($input: UpdateChannelCredentialsInput!) { updateChannelCredentials(input: $input) { id status lastError } }
`);
const SendTestMessage = graphql(`
  mutation SendTestMessage($input: SendTestMessageInput!) { sendTestMessage(input: $input) { id status } }
`);
const TemplateFields = graphql(`fragment TemplateFields on MessageTemplate { id name language status category body variables }`);
const Templates = graphql(`query Templates($channelId: ID!) { templates(channelId: $channelId) { ...TemplateFields } }`, [TemplateFields]);
const SyncTemplates = graphql(`mutation SyncTemplates($channelId: ID!) { syncTemplates(channelId: $channelId) { ...TemplateFields } }`, [TemplateFields]);
const ConversationWindow = graphql(`query ConversationWindow($id: ID!) { conversation(id: $id) { id windowExpiresAt channel { id kind } } }`);

export type CloudChannel = ResultOf<typeof CloudChannels>['channels'][number];
export type Template = ResultOf<typeof TemplateFields>;

/** A channel's webhook URL and (for owners and admins) its verify token. */
export async function fetchCloudChannel(channelId: string): Promise<CloudChannel | undefined> {
  return (await gql(CloudChannels, {})).channels.find((c) => c.id === channelId);
}

/** Gives the channel its credentials; the answer says whether Meta took them (CONNECTED). */
export async function updateChannelCredentials(input: VariablesOf<typeof UpdateChannelCredentials>['input']) {
  return (await gql(UpdateChannelCredentials, { input })).updateChannelCredentials;
}

export async function sendTestMessage(input: VariablesOf<typeof SendTestMessage>['input']) {
  return (await gql(SendTestMessage, { input })).sendTestMessage;
}

export async function fetchTemplates(channelId: string): Promise<Template[]> {
  return (await gql(Templates, { channelId })).templates;
}

export async function syncTemplates(channelId: string): Promise<Template[]> {
  return (await gql(SyncTemplates, { channelId })).syncTemplates;
}

/** When the conversation's 24-hour window closes (Cloud API only). */
export async function fetchConversationWindow(conversationId: string) {
  return (await gql(ConversationWindow, { id: conversationId })).conversation;
}

const SendTemplate = graphql(`mutation SendTemplate($input: SendTemplateInput!) { sendTemplate(input: $input) { id status } }`);

/** Sends an approved template into a Cloud API conversation (the way back in once its 24-hour window closed). */
export async function sendTemplate(input: VariablesOf<typeof SendTemplate>['input']) {
  return (await gql(SendTemplate, { input })).sendTemplate;
}
