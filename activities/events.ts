/**
 * Live events cross processes through Postgres LISTEN/NOTIFY: whichever role writes a message
 * notifies, and every api process relays it to its GraphQL subscribers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const EVENTS_CHANNEL = 'parley_events';

export type ParleyEvent =
  | { type: 'messageAdded' | 'messageUpdated'; workspaceId: string; conversationId: string; messageId: string }
  /** The conversation's own state changed: mode, unread count, SLA breach. */
  | { type: 'conversationUpdated'; workspaceId: string; conversationId: string }
  | { type: 'channelAdded'; workspaceId: string; channelId: string }
  /** A channel's status, QR, last error or settings changed (connector/channels/channel-status.ts). */
  | { type: 'channelUpdated'; workspaceId: string; channelId: string }
  /** Asks the connector that holds the channel's session to act (api/graphql/types/channel-session.ts). */
  | { type: 'channelCommand'; workspaceId: string; channelId: string; command: ChannelCommand; requestId: string }
  /** The holder's answer to a channelCommand with the same requestId. */
  | { type: 'channelCommandReply'; workspaceId: string; requestId: string; result?: string; error?: string }
  /** A document's status or progress changed (documentIngestionWorkflow). */
  | { type: 'documentUpdated'; workspaceId: string; documentId: string }
  /** A flow run started, waits, or ended (activities/flows): the flow's runs list refreshes. */
  | { type: 'flowRunUpdated'; workspaceId: string; flowId: string; flowRunId: string }
  /** An import's counts so far, after each batch, and once more when it is done (schema/contacts/import-contacts.ts). */
  | ({ type: 'contactImportProgress'; workspaceId: string } & ContactImportProgress)
  /** A broadcast's status or per-recipient counts changed (activities/broadcasts.activities.ts, broadcast-send.activities.ts). */
  | { type: 'broadcastProgress'; workspaceId: string; broadcastId: string };

/** How far a contact import is: `importId` is the client's; `rows` data rows read so far. */
export interface ContactImportProgress {
  importId: string;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount: number;
  done: boolean;
}

/** What the API can ask of a channel's session. */
export type ChannelCommand = { kind: 'connect' } | { kind: 'disconnect' } | { kind: 'settings' } | { kind: 'pairingCode'; phone: string };

/**
 * For hot paths: `select ${NOTIFY} from …` (bound to `eventPayload(event)`) notifies in the same
 * statement that writes, saving a round trip, and only when a row was written.
 */
export const NOTIFY = `pg_notify('${EVENTS_CHANNEL}', ?)`;

/** The NOTIFY payload of an event: the event as JSON. */
export function eventPayload(event: ParleyEvent): string {
  return JSON.stringify(event);
}

type RowEvent = Extract<ParleyEvent, { conversationId: string }>;

/**
 * For a statement that writes many rows: `select ${notifyPerRow(...)} from written` notifies one
 * event per row, its ids read from the row's columns (names of columns, never values).
 */
export function notifyPerRow<T extends RowEvent['type']>(type: T, columns: Record<Exclude<keyof Extract<RowEvent, { type: T }>, 'type'>, string>): string {
  const fields = Object.entries(columns).flatMap(([key, column]) => [`'${key}'`, column]);
  return `pg_notify('${EVENTS_CHANNEL}', json_build_object('type', '${type}', ${fields.join(', ')})::text)`;
}

/** Notifies one event, outside any statement that writes. */
export async function publish(em: EntityManager, event: ParleyEvent): Promise<void> {
  await em.execute(`select ${NOTIFY}`, [eventPayload(event)]);
}
