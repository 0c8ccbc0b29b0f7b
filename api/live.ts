/**
 * Relays Postgres events (activities/events.ts) to GraphQL subscribers of this process. Each
 * event's message is loaded once, then fanned out to the subscribers of its workspace.
 */
import { createPubSub } from 'graphql-yoga';
import type { Orm } from '../schema/orm';
import type { ParleyEvent } from '../activities/events';
import { loadMessage, type MessageView } from './graphql/types/message';

type Topics = {
  [topic: `messageAdded:${string}`]: [MessageView];
  [topic: `messageUpdated:${string}`]: [MessageView];
};

export interface Live {
  onEvent(event: ParleyEvent): void;
  subscribe(kind: 'messageAdded' | 'messageUpdated', workspaceId: string, conversationId?: string | null): AsyncIterable<MessageView>;
}

export function createLive(orm: Orm, log: (msg: string, err?: unknown) => void): Live {
  const pubSub = createPubSub<Topics>();
  // Subscribers per workspace: an event nobody in this process listens to costs no query.
  const listening = new Map<string, number>();
  return {
    onEvent(event) {
      if (event.type !== 'messageAdded' && event.type !== 'messageUpdated') return;
      if (!listening.get(event.workspaceId)) return;
      loadMessage(orm.em.fork(), event.workspaceId, event.messageId)
        .then((message) => message && pubSub.publish(`${event.type}:${event.workspaceId}`, message))
        .catch((err) => log('live event failed', err));
    },
    async *subscribe(kind, workspaceId, conversationId) {
      listening.set(workspaceId, (listening.get(workspaceId) ?? 0) + 1);
      try {
        for await (const message of pubSub.subscribe(`${kind}:${workspaceId}`)) {
          if (!conversationId || message.conversationId === conversationId) yield message;
        }
      } finally {
        const left = (listening.get(workspaceId) ?? 1) - 1;
        if (left > 0) listening.set(workspaceId, left);
        else listening.delete(workspaceId);
      }
    },
  };
}
