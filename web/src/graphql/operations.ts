/** The dashboard's queries and mutations; what an agent's action changes also reaches the live views (announce*). */
import { gql } from './client';
import {
  AuthFields, BotSettingsFields, ChannelFields, ContactFields, ConversationChangeFields, ConversationFields, KeywordRuleFields,
  MemberFields, MessageFields,
} from './fragments';
import { graphql, type ResultOf, type VariablesOf } from './graphql';
import { announceConversation, announceMessage } from './live';

const SignIn = graphql(`mutation SignIn($input: SignInInput!) { signIn(input: $input) { ...AuthFields } }`, [AuthFields]);
const SignUp = graphql(`mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ...AuthFields } }`, [AuthFields]);

/** Signs in; the tokens are the caller's to keep. */
export async function signIn(input: VariablesOf<typeof SignIn>['input']) {
  return (await gql(SignIn, { input }, { anonymous: true })).signIn;
}

/** Creates an account and its workspace, signed in. */
export async function signUp(input: VariablesOf<typeof SignUp>['input']) {
  return (await gql(SignUp, { input }, { anonymous: true })).signUp;
}

const ViewerQuery = graphql(`query Viewer { viewer { user { id email name } workspace { id name } role temporalUiUrl } }`);
/** Who is signed in, where, and as what. */
export type Viewer = ResultOf<typeof ViewerQuery>['viewer'];

export async function fetchViewer(): Promise<Viewer> {
  return (await gql(ViewerQuery, {})).viewer;
}

const ChannelsQuery = graphql(`query Channels { channels { ...ChannelFields } }`, [ChannelFields]);
const CreateChannel = graphql(`
  mutation CreateChannel($input: CreateChannelInput!) { createChannel(input: $input) { ...ChannelFields } }
`, [ChannelFields]);

/** The workspace's channels. */
export async function fetchChannels() {
  return (await gql(ChannelsQuery, {})).channels;
}

/** Adds a channel (owners and admins). */
export async function createChannel(input: VariablesOf<typeof CreateChannel>['input']) {
  return (await gql(CreateChannel, { input })).createChannel;
}

const ConnectChannel = graphql(`mutation ConnectChannel($id: ID!) { connectChannel(channelId: $id) { ...ChannelFields } }`, [ChannelFields]);
const DisconnectChannel = graphql(`mutation DisconnectChannel($id: ID!) { disconnectChannel(channelId: $id) { ...ChannelFields } }`, [ChannelFields]);
const RequestPairingCode = graphql(`mutation RequestPairingCode($id: ID!, $phone: String!) { requestPairingCode(channelId: $id, phone: $phone) }`);
const UpdateChannelSettings = graphql(`
  mutation UpdateChannelSettings($input: UpdateChannelSettingsInput!) { updateChannelSettings(input: $input) { ...ChannelFields } }
`, [ChannelFields]);

/** Starts a WhatsApp Web channel again (after it was disconnected, logged out or banned). */
export async function connectChannel(id: string) {
  return (await gql(ConnectChannel, { id })).connectChannel;
}

/** Closes a WhatsApp Web channel's session; the phone stays linked. */
export async function disconnectChannel(id: string) {
  return (await gql(DisconnectChannel, { id })).disconnectChannel;
}

/** The code to type on the phone instead of scanning the QR. */
export async function requestPairingCode(id: string, phone: string) {
  return (await gql(RequestPairingCode, { id, phone })).requestPairingCode;
}

/** Changes what a channel ignores and how fast it sends. */
export async function updateChannelSettings(input: VariablesOf<typeof UpdateChannelSettings>['input']) {
  return (await gql(UpdateChannelSettings, { input })).updateChannelSettings;
}

const ConversationsQuery = graphql(`
  query Conversations($first: Int, $filter: ConversationFilter) {
    conversations(first: $first, filter: $filter) { edges { cursor node { ...ConversationFields } } pageInfo { hasNextPage endCursor } }
  }
`, [ConversationFields]);
export type ConversationFilter = NonNullable<VariablesOf<typeof ConversationsQuery>['filter']>;

/** The inbox list, newest activity first. */
export async function fetchConversations(filter: ConversationFilter, first = 50) {
  const data = await gql(ConversationsQuery, { first, filter });
  return data.conversations.edges.map((e) => e.node);
}

const ConversationQuery = graphql(`
  query Conversation($id: ID!) {
    conversation(id: $id) { ...ConversationFields workflowId temporalUrl messages(last: 200) { ...MessageFields } }
  }
`, [ConversationFields, MessageFields]);
/** An open thread: the list row's fields, the workflow behind it and the latest messages. */
export type ConversationDetail = NonNullable<ResultOf<typeof ConversationQuery>['conversation']>;

export async function fetchConversation(id: string): Promise<ConversationDetail | null> {
  return (await gql(ConversationQuery, { id })).conversation;
}

const CONVERSATION_ACTIONS = {
  takeOver: graphql(`
    mutation TakeOver($id: ID!) { conversation: takeOver(conversationId: $id) { ...ConversationChangeFields } }
  `, [ConversationChangeFields]),
  release: graphql(`
    mutation Release($id: ID!) { conversation: release(conversationId: $id) { ...ConversationChangeFields } }
  `, [ConversationChangeFields]),
  markRead: graphql(`
    mutation MarkRead($id: ID!) { conversation: markRead(conversationId: $id) { ...ConversationChangeFields } }
  `, [ConversationChangeFields]),
};

/** Take over, release or mark read; the conversation's new state reaches every live view. */
export async function conversationAction(action: keyof typeof CONVERSATION_ACTIONS, conversationId: string): Promise<void> {
  announceConversation((await gql(CONVERSATION_ACTIONS[action], { id: conversationId })).conversation);
}

const BlockContact = graphql(`mutation BlockContact($id: ID!) { contact: blockContact(contactId: $id) { ...ContactFields } }`, [ContactFields]);
const UnblockContact = graphql(`mutation UnblockContact($id: ID!) { contact: unblockContact(contactId: $id) { ...ContactFields } }`, [ContactFields]);

/** Blocked: the contact's messages are kept, the bot never answers them. */
export async function setContactBlocked(conversationId: string, contactId: string, blocked: boolean): Promise<void> {
  const { contact } = await gql(blocked ? BlockContact : UnblockContact, { id: contactId });
  announceConversation({ id: conversationId, contact });
}

const SendMessage = graphql(`mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { ...MessageFields } }`, [MessageFields]);

/** An agent's reply; it answers the waiting customer, so the API clears the SLA breach. */
export async function sendMessage(input: VariablesOf<typeof SendMessage>['input']): Promise<void> {
  announceMessage((await gql(SendMessage, { input })).sendMessage);
  announceConversation({ id: input.conversationId, slaBreachedAt: null });
}

const ResendMessage = graphql(`mutation ResendMessage($id: ID!) { resendMessage(messageId: $id) { ...MessageFields } }`, [MessageFields]);

/** Sends a FAILED or UNCERTAIN message again as a new message; the copy shows once the conversation has taken the command. */
export async function resendMessage(messageId: string): Promise<void> {
  const copy = (await gql(ResendMessage, { id: messageId })).resendMessage;
  if (copy) announceMessage(copy);
}

const SimulateInbound = graphql(`
  mutation SimulateInbound($input: SimulateInboundInput!) { simulateInbound(input: $input) { ...MessageFields } }
`, [MessageFields]);

export async function simulateInbound(input: VariablesOf<typeof SimulateInbound>['input']) {
  const message = (await gql(SimulateInbound, { input })).simulateInbound;
  announceMessage(message);
  return message;
}

const KeywordRulesQuery = graphql(`query KeywordRules { keywordRules { ...KeywordRuleFields } }`, [KeywordRuleFields]);
const CreateKeywordRule = graphql(`
  mutation CreateKeywordRule($input: CreateKeywordRuleInput!) { createKeywordRule(input: $input) { ...KeywordRuleFields } }
`, [KeywordRuleFields]);

/** The workspace's keyword rules. */
export async function fetchKeywordRules() {
  return (await gql(KeywordRulesQuery, {})).keywordRules;
}

/** Adds a keyword rule; it applies to the next inbound message. */
export async function createKeywordRule(input: VariablesOf<typeof CreateKeywordRule>['input']) {
  return (await gql(CreateKeywordRule, { input })).createKeywordRule;
}

const UpdateKeywordRule = graphql(`
  mutation UpdateKeywordRule($id: ID!, $input: UpdateKeywordRuleInput!) { updateKeywordRule(id: $id, input: $input) { ...KeywordRuleFields } }
`, [KeywordRuleFields]);
const DeleteKeywordRule = graphql(`mutation DeleteKeywordRule($id: ID!) { deleteKeywordRule(id: $id) }`);

/** Changes a keyword rule (fields left out keep their value); running conversations use it from their next message. */
export async function updateKeywordRule(id: string, input: VariablesOf<typeof UpdateKeywordRule>['input']) {
  return (await gql(UpdateKeywordRule, { id, input })).updateKeywordRule;
}

/** Removes a keyword rule; running conversations stop using it from their next message. */
export async function deleteKeywordRule(id: string) {
  return (await gql(DeleteKeywordRule, { id })).deleteKeywordRule;
}

const BotSettingsQuery = graphql(`query BotSettings { botSettings { ...BotSettingsFields } }`, [BotSettingsFields]);
const UpdateBotSettings = graphql(`
  mutation UpdateBotSettings($input: UpdateBotSettingsInput!) { updateBotSettings(input: $input) { ...BotSettingsFields } }
`, [BotSettingsFields]);
/** Fields left out keep their value; null clears one (businessHours: null = always open). */
export type BotSettingsInput = VariablesOf<typeof UpdateBotSettings>['input'];

/** Replies, business hours and SLA. */
export async function fetchBotSettings() {
  return (await gql(BotSettingsQuery, {})).botSettings;
}

/** Saves settings; the result is what the API stored. */
export async function updateBotSettings(input: BotSettingsInput) {
  return (await gql(UpdateBotSettings, { input })).updateBotSettings;
}

const MembersQuery = graphql(`query Members { members { ...MemberFields } }`, [MemberFields]);
const AddMember = graphql(`mutation AddMember($input: AddMemberInput!) { addMember(input: $input) { ...MemberFields } }`, [MemberFields]);

/** Everyone in the workspace, with their role. */
export async function fetchMembers() {
  return (await gql(MembersQuery, {})).members;
}

/** Adds a teammate with a first password. */
export async function addMember(input: VariablesOf<typeof AddMember>['input']) {
  return (await gql(AddMember, { input })).addMember;
}
