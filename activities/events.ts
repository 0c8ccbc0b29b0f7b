/**
 * Live events cross processes through Postgres LISTEN/NOTIFY: whichever role writes a message
 * notifies, and every api process relays it to its GraphQL subscribers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const EVENTS_CHANNEL = 'parley_events';

export type ParleyEvent =
  | { type: 'messageAdded' | 'messageUpdated'; workspaceId: string; conversationId: string; messageId: string }
  | { type: 'slaBreached'; workspaceId: string; conversationId: string; messageId: string }
  | { type: 'channelAdded'; workspaceId: string; channelId: string };

export async function publish(em: EntityManager, event: ParleyEvent): Promise<void> {
  await em.execute('select pg_notify(?, ?)', [EVENTS_CHANNEL, JSON.stringify(event)]);
}
