import { gql } from './client';
import { subscribe, type SubscribeHandlers } from './subscribe';
import type {
  AuthPayload, BotSettings, Channel, ChannelKind, Contact, ConversationDetail, ConversationMode, ConversationSummary,
  KeywordRule, MatchType, Member, Message, Role, Viewer,
} from './types';

const MESSAGE = `id conversationId direction senderType text status failureReason createdAt`;
const CONTACT = `id phone name blocked`;
const CONVERSATION = `id mode lastMessageAt lastMessageText unreadCount slaBreachedAt
  contact { ${CONTACT} }
  channel { id name kind }`;
// The refresh token comes back as an HttpOnly cookie; the dashboard never reads it.
const AUTH = `accessToken user { id email name } workspace { id name }`;
const CHANNEL = `id kind name status createdAt`;
const RULE = `id keywords matchType reply priority enabled`;
const SETTINGS = `defaultReply awayMessage timeZone businessHours { weekday open close } humanSlaSeconds slaFallbackMessage`;
const MEMBER = `role user { id email name }`;

export async function signIn(input: { email: string; password: string }): Promise<AuthPayload> {
  const data = await gql<{ signIn: AuthPayload }>(
    `mutation SignIn($input: SignInInput!) { signIn(input: $input) { ${AUTH} } }`, { input }, { anonymous: true });
  return data.signIn;
}

export async function signUp(input: { email: string; password: string; name: string; workspaceName: string }): Promise<AuthPayload> {
  const data = await gql<{ signUp: AuthPayload }>(
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH} } }`, { input }, { anonymous: true });
  return data.signUp;
}

export async function fetchViewer(): Promise<Viewer> {
  const data = await gql<{ viewer: Viewer }>(`query Viewer { viewer { user { id email name } workspace { id name } role temporalUiUrl } }`);
  return data.viewer;
}

export async function fetchChannels(): Promise<Channel[]> {
  const data = await gql<{ channels: Channel[] }>(`query Channels { channels { ${CHANNEL} } }`);
  return data.channels;
}

export async function createChannel(input: { kind: ChannelKind; name: string }): Promise<Channel> {
  const data = await gql<{ createChannel: Channel }>(
    `mutation CreateChannel($input: CreateChannelInput!) { createChannel(input: $input) { ${CHANNEL} } }`, { input });
  return data.createChannel;
}

export interface ConversationFilter { mode?: ConversationMode; channelId?: string; search?: string }

export async function fetchConversations(filter: ConversationFilter, first = 50): Promise<ConversationSummary[]> {
  const data = await gql<{ conversations: { edges: { node: ConversationSummary }[] } }>(
    `query Conversations($first: Int, $filter: ConversationFilter) {
      conversations(first: $first, filter: $filter) { edges { cursor node { ${CONVERSATION} } } pageInfo { hasNextPage endCursor } }
    }`,
    { first, filter },
  );
  return data.conversations.edges.map((e) => e.node);
}

export async function fetchConversation(id: string): Promise<ConversationDetail | null> {
  const data = await gql<{ conversation: ConversationDetail | null }>(
    `query Conversation($id: ID!) { conversation(id: $id) { ${CONVERSATION} workflowId temporalUrl messages(last: 200) { ${MESSAGE} } } }`,
    { id },
  );
  return data.conversation;
}

export type ConversationChange = Pick<ConversationSummary, 'id' | 'mode' | 'unreadCount' | 'slaBreachedAt'> & { contact?: Contact };
const CONVERSATION_CHANGE = `id mode unreadCount slaBreachedAt contact { ${CONTACT} }`;

const CONVERSATION_ACTIONS = {
  takeOver: `mutation TakeOver($id: ID!) { conversation: takeOver(conversationId: $id) { ${CONVERSATION_CHANGE} } }`,
  release: `mutation Release($id: ID!) { conversation: release(conversationId: $id) { ${CONVERSATION_CHANGE} } }`,
  markRead: `mutation MarkRead($id: ID!) { conversation: markRead(conversationId: $id) { ${CONVERSATION_CHANGE} } }`,
};

/** Take over, release or mark read: the conversation's state after it. */
export async function conversationAction(action: keyof typeof CONVERSATION_ACTIONS, conversationId: string): Promise<ConversationChange> {
  const data = await gql<{ conversation: ConversationChange }>(CONVERSATION_ACTIONS[action], { id: conversationId });
  return data.conversation;
}

/** Blocked: the contact's messages are kept, the bot never answers them. */
export async function setContactBlocked(contactId: string, blocked: boolean): Promise<Contact> {
  const data = await gql<{ contact: Contact }>(blocked
    ? `mutation BlockContact($id: ID!) { contact: blockContact(contactId: $id) { ${CONTACT} } }`
    : `mutation UnblockContact($id: ID!) { contact: unblockContact(contactId: $id) { ${CONTACT} } }`, { id: contactId });
  return data.contact;
}

export async function sendMessage(input: { conversationId: string; text: string }): Promise<Message> {
  const data = await gql<{ sendMessage: Message }>(
    `mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { ${MESSAGE} } }`, { input });
  return data.sendMessage;
}

export async function simulateInbound(input: { channelId: string; from: string; text: string; name?: string }): Promise<Message> {
  const data = await gql<{ simulateInbound: Message }>(
    `mutation SimulateInbound($input: SimulateInboundInput!) { simulateInbound(input: $input) { ${MESSAGE} } }`, { input });
  return data.simulateInbound;
}

export async function fetchKeywordRules(): Promise<KeywordRule[]> {
  const data = await gql<{ keywordRules: KeywordRule[] }>(`query KeywordRules { keywordRules { ${RULE} } }`);
  return data.keywordRules;
}

export async function createKeywordRule(input: {
  keywords: string[]; matchType: MatchType; reply: string; priority: number; enabled?: boolean;
}): Promise<KeywordRule> {
  const data = await gql<{ createKeywordRule: KeywordRule }>(
    `mutation CreateKeywordRule($input: CreateKeywordRuleInput!) { createKeywordRule(input: $input) { ${RULE} } }`, { input });
  return data.createKeywordRule;
}

export async function fetchBotSettings(): Promise<BotSettings> {
  const data = await gql<{ botSettings: BotSettings }>(`query BotSettings { botSettings { ${SETTINGS} } }`);
  return data.botSettings;
}

/** Fields left out keep their value; null clears one (businessHours: null = always open). */
export async function updateBotSettings(input: Partial<BotSettings>): Promise<BotSettings> {
  const data = await gql<{ updateBotSettings: BotSettings }>(
    `mutation UpdateBotSettings($input: UpdateBotSettingsInput!) { updateBotSettings(input: $input) { ${SETTINGS} } }`, { input });
  return data.updateBotSettings;
}

export async function fetchMembers(): Promise<Member[]> {
  const data = await gql<{ members: Member[] }>(`query Members { members { ${MEMBER} } }`);
  return data.members;
}

export async function addMember(input: { email: string; name: string; password: string; role: Role }): Promise<Member> {
  const data = await gql<{ addMember: Member }>(
    `mutation AddMember($input: AddMemberInput!) { addMember(input: $input) { ${MEMBER} } }`, { input });
  return data.addMember;
}

/** The workspace's live streams: new messages, status changes (PENDING → SENT … or FAILED), conversation state. */
export function onMessageAdded(handlers: SubscribeHandlers<Message>): () => void {
  return live('messageAdded', `subscription MessageAdded { messageAdded { ${MESSAGE} } }`, handlers);
}

export function onMessageUpdated(handlers: SubscribeHandlers<Message>): () => void {
  return live('messageUpdated', `subscription MessageUpdated { messageUpdated { ${MESSAGE} } }`, handlers);
}

export function onConversationUpdated(handlers: SubscribeHandlers<ConversationChange>): () => void {
  return live('conversationUpdated', `subscription ConversationUpdated { conversationUpdated { ${CONVERSATION_CHANGE} } }`, handlers);
}

function live<T>(field: string, document: string, handlers: SubscribeHandlers<T>): () => void {
  return subscribe<Record<string, T>>(document, {}, { ...handlers, next: (d) => handlers.next(d[field]) });
}
