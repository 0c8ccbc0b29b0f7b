/** The selection sets the dashboard shares between documents, and the types its components take from them. */
import { graphql, type ResultOf } from './graphql';

/** A quoted message, as the bubble that quotes it shows it. */
export const QuotedMessageFields = graphql(`
  fragment QuotedMessageFields on Message { id direction senderType type text media { url mimeType } }
`);

export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id conversationId direction senderType type text status failureReason failureCode sendAttempts createdAt deliveredAt readAt
    media { url mimeType fileName size unavailableReason }
    details forwarded replyToExternalId replyTo { ...QuotedMessageFields }
    reactions { emoji fromContact at }
    ai { confidence }
  }
`, [QuotedMessageFields]);
/** One message as a thread and the simulator phone show it. */
export type Message = ResultOf<typeof MessageFields>;
export type MessageStatus = Message['status'];
export type MessageKind = Message['type'];
export type QuotedMessage = ResultOf<typeof QuotedMessageFields>;

export const ContactFields = graphql(`fragment ContactFields on Contact { id phone name blocked }`);

export const ConversationFields = graphql(`
  fragment ConversationFields on Conversation {
    id mode lastMessageAt lastMessageText unreadCount slaBreachedAt handoverReason
    contact { ...ContactFields }
    channel { id name kind }
  }
`, [ContactFields]);
/** A row of the inbox list. */
export type ConversationSummary = ResultOf<typeof ConversationFields>;
export type ConversationMode = ConversationSummary['mode'];

/** What changes on a conversation while it is open: what `conversationUpdated` and the agent's actions return. */
export const ConversationChangeFields = graphql(`
  fragment ConversationChangeFields on Conversation { id mode unreadCount slaBreachedAt handoverReason contact { ...ContactFields } }
`, [ContactFields]);
export type ConversationChange = ResultOf<typeof ConversationChangeFields>;

export const AuthFields = graphql(`
  fragment AuthFields on AuthPayload { accessToken user { id email name } workspace { id name } }
`);

export const ChannelFields = graphql(`
  fragment ChannelFields on Channel {
    id kind name status lastError qrImage messagesToday createdAt
    settings { ignoreGroups ignoreBroadcasts ignoreStatus takeOverOnPhoneReply ratePerMinute }
    statusHistory(last: 8) { status error at }
  }
`);
export type Channel = ResultOf<typeof ChannelFields>;
export type ChannelKind = Channel['kind'];
export type ChannelStatus = Channel['status'];
export type ChannelSettings = Channel['settings'];

export const KeywordRuleFields = graphql(`fragment KeywordRuleFields on KeywordRule { id keywords matchType reply priority enabled }`);
export type KeywordRule = ResultOf<typeof KeywordRuleFields>;
export type MatchType = KeywordRule['matchType'];

export const BotSettingsFields = graphql(`
  fragment BotSettingsFields on BotSettings {
    defaultReply awayMessage timeZone businessHours { weekday open close } humanSlaSeconds slaFallbackMessage flowCancelKeyword optOutKeywords
  }
`);
export type BotSettings = ResultOf<typeof BotSettingsFields>;
/** Open from `open` to `close` ("HH:MM", in the settings' time zone) on `weekday` (0 = Sunday). */
export type OpeningRange = NonNullable<BotSettings['businessHours']>[number];

export const MemberFields = graphql(`fragment MemberFields on Member { role user { id email name } }`);
export type Member = ResultOf<typeof MemberFields>;
export type Role = Member['role'];
