export type ConversationMode = 'BOT' | 'HUMAN';
export type MessageDirection = 'INBOUND' | 'OUTBOUND';
export type SenderType = 'CONTACT' | 'BOT' | 'HUMAN';
export type MessageStatus = 'PENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';
export type ChannelKind = 'SIMULATOR' | 'BAILEYS' | 'CLOUD_API';
export type ChannelStatus = 'CONNECTED' | 'DISCONNECTED' | 'PENDING';
export type MatchType = 'EXACT' | 'CONTAINS' | 'STARTS_WITH' | 'REGEX';
export type Role = 'OWNER' | 'ADMIN' | 'AGENT' | 'VIEWER';

export interface User { id: string; email: string; name: string }
export interface Workspace { id: string; name: string }
export interface AuthPayload { accessToken: string; user: User; workspace: Workspace }
export interface Viewer { user: User; workspace: Workspace; role: Role; temporalUiUrl: string }
export interface Member { role: Role; user: User }

export interface Channel { id: string; kind: ChannelKind; name: string; status: ChannelStatus; createdAt: string }
export interface Contact { id: string; phone: string; name: string | null; blocked: boolean }

export interface Message {
  id: string;
  conversationId: string;
  direction: MessageDirection;
  senderType: SenderType;
  text: string;
  status: MessageStatus;
  failureReason: string | null;
  createdAt: string;
}

export interface ConversationSummary {
  id: string;
  mode: ConversationMode;
  contact: Contact;
  channel: Pick<Channel, 'id' | 'name' | 'kind'>;
  lastMessageAt: string | null;
  lastMessageText: string | null;
  unreadCount: number;
  /** Set while a customer in HUMAN mode has waited longer than the SLA with no agent reply. */
  slaBreachedAt: string | null;
}

export interface ConversationDetail extends ConversationSummary {
  workflowId: string;
  /** Only owners and admins get it. */
  temporalUrl: string | null;
  messages: Message[];
}

export interface KeywordRule {
  id: string;
  keywords: string[];
  matchType: MatchType;
  reply: string;
  priority: number;
  enabled: boolean;
}

/** Open from `open` to `close` ("HH:MM", in the settings' time zone) on `weekday` (0 = Sunday). */
export interface OpeningRange { weekday: number; open: string; close: string }

export interface BotSettings {
  defaultReply: string | null;
  awayMessage: string | null;
  timeZone: string;
  /** null: always open. */
  businessHours: OpeningRange[] | null;
  humanSlaSeconds: number | null;
  slaFallbackMessage: string | null;
}
