/**
 * Relays Postgres events (activities/events.ts) to GraphQL subscribers of this process. Each
 * event's message or conversation is loaded once, then fanned out to the subscribers of its
 * workspace.
 */
import { createPubSub } from 'graphql-yoga';
import type { Orm } from '../schema/orm';
import type { ContactImportProgress, ParleyEvent } from '../activities/events';
import type { Message } from '../schema/entities/message.entity';
import type { Conversation } from '../schema/entities/conversation.entity';
import { loadMessage } from './graphql/types/message';
import { loadConversation } from './graphql/types/conversation';
import { Channel } from '../schema/entities/channel.entity';
import { loadDocument } from './graphql/types/document';
import type { Document } from '../schema/entities/document.entity';
import { FlowRun } from '../schema/entities/flow-run.entity';
import { Broadcast } from '../schema/entities/broadcast.entity';

type Topics = {
  [topic: `messageAdded:${string}`]: [Message];
  [topic: `messageUpdated:${string}`]: [Message];
  [topic: `conversationUpdated:${string}`]: [Conversation];
  [topic: `channelUpdated:${string}`]: [Channel];
  [topic: `documentUpdated:${string}`]: [Document];
  [topic: `contactImportProgress:${string}`]: [ContactImportProgress];
  [topic: `flowRunUpdated:${string}`]: [FlowRun];
  [topic: `broadcastProgress:${string}`]: [Broadcast];
};

/** What the connector holding a channel answered to a command (activities/events.ts channelCommandReply). */
export interface CommandReply {
  result?: string;
  error?: string;
}

type MessageKind = 'messageAdded' | 'messageUpdated';

export interface Live {
  onEvent(event: ParleyEvent): void;
  subscribe(kind: MessageKind, workspaceId: string, conversationId?: string | null): AsyncIterable<Message>;
  subscribe(kind: 'conversationUpdated', workspaceId: string, conversationId?: string | null): AsyncIterable<Conversation>;
  subscribe(kind: 'channelUpdated', workspaceId: string): AsyncIterable<Channel>;
  /** The answer to the channelCommand published with this requestId; null when none came in time. Call before publishing. */
  awaitReply(requestId: string, timeoutMs: number): Promise<CommandReply | null>;
  /** A workspace's document changes, or one knowledge base's. */
  subscribeDocuments(workspaceId: string, knowledgeBaseId?: string | null): AsyncIterable<Document>;
  /** One contact import's progress (the event carries it: nothing to load). */
  subscribeContactImport(workspaceId: string, importId: string): AsyncIterable<ContactImportProgress>;
  /** A workspace's flow runs as they start, wait and end, or one flow's. */
  subscribeFlowRuns(workspaceId: string, flowId?: string | null): AsyncIterable<FlowRun>;
  /** A broadcast's row each time its status or counts move (the counts are read by the Broadcast type). */
  subscribeBroadcast(workspaceId: string, broadcastId: string): AsyncIterable<Broadcast>;
}

export function createLive(orm: Orm, log: (msg: string, err?: unknown) => void): Live {
  const pubSub = createPubSub<Topics>();
  // Subscribers per workspace: an event nobody in this process listens to costs no query.
  const listening = new Map<string, number>();
  const replies = new Map<string, (reply: CommandReply) => void>();
  const relay = <T>(topic: keyof Topics, load: Promise<T | null>) =>
    load.then((item) => item && pubSub.publish(topic, item as never)).catch((err) => log('live event failed', err));

  /** Counts the stream's subscriber for its workspace while it is open. */
  async function* counted<T>(workspaceId: string, items: AsyncIterable<T>): AsyncGenerator<T> {
    listening.set(workspaceId, (listening.get(workspaceId) ?? 0) + 1);
    try {
      yield* items;
    } finally {
      const left = (listening.get(workspaceId) ?? 1) - 1;
      if (left > 0) listening.set(workspaceId, left);
      else listening.delete(workspaceId);
    }
  }

  async function* subscribe(kind: MessageKind | 'conversationUpdated' | 'channelUpdated', workspaceId: string, conversationId?: string | null) {
    for await (const item of counted(workspaceId, pubSub.subscribe(`${kind}:${workspaceId}`))) {
      // A channel event has no conversation: every channel of the workspace goes to every subscriber.
      const itemConversation = kind === 'channelUpdated' ? null : 'conversationId' in item ? item.conversationId : item.id;
      if (!conversationId || itemConversation === conversationId) yield item;
    }
  }

  async function* subscribeDocuments(workspaceId: string, knowledgeBaseId?: string | null) {
    for await (const document of counted(workspaceId, pubSub.subscribe(`documentUpdated:${workspaceId}`))) {
      if (!knowledgeBaseId || document.knowledgeBaseId === knowledgeBaseId) yield document;
    }
  }

  async function* subscribeContactImport(workspaceId: string, importId: string) {
    for await (const progress of counted(workspaceId, pubSub.subscribe(`contactImportProgress:${workspaceId}`))) {
      if (progress.importId === importId) yield progress;
    }
  }

  async function* subscribeFlowRuns(workspaceId: string, flowId?: string | null) {
    for await (const run of counted(workspaceId, pubSub.subscribe(`flowRunUpdated:${workspaceId}`))) {
      if (!flowId || run.flowId === flowId) yield run;
    }
  }

  async function* subscribeBroadcast(workspaceId: string, broadcastId: string) {
    for await (const broadcast of counted(workspaceId, pubSub.subscribe(`broadcastProgress:${workspaceId}`))) {
      if (broadcast.id === broadcastId) yield broadcast;
    }
  }

  return {
    onEvent(event) {
      if (event.type === 'channelCommandReply') replies.get(event.requestId)?.({ result: event.result, error: event.error });
      if (!listening.get(event.workspaceId)) return;
      if (event.type === 'channelUpdated') {
        relay(`channelUpdated:${event.workspaceId}`, orm.em.fork().findOne(Channel, { id: event.channelId, workspaceId: event.workspaceId }));
      }
      // A fork per event: each is its own unit of work, and nothing is cached across events.
      if (event.type === 'messageAdded' || event.type === 'messageUpdated') {
        relay(`${event.type}:${event.workspaceId}`, loadMessage(orm.em.fork(), event.workspaceId, event.messageId));
      }
      if (event.type === 'conversationUpdated') {
        relay(`conversationUpdated:${event.workspaceId}`, loadConversation(orm.em.fork(), event.workspaceId, event.conversationId));
      }
      if (event.type === 'broadcastProgress') {
        relay(`broadcastProgress:${event.workspaceId}`, orm.em.fork().findOne(Broadcast, { id: event.broadcastId, workspaceId: event.workspaceId }));
      }
      if (event.type === 'contactImportProgress') {
        const { type: _type, workspaceId, ...progress } = event;
        pubSub.publish(`contactImportProgress:${workspaceId}`, progress);
      }
      if (event.type === 'flowRunUpdated') {
        relay(`flowRunUpdated:${event.workspaceId}`, orm.em.fork().findOne(FlowRun, { id: event.flowRunId, workspaceId: event.workspaceId }));
      }
      if (event.type === 'documentUpdated') {
        relay(`documentUpdated:${event.workspaceId}`, loadDocument(orm.em.fork(), event.workspaceId, event.documentId));
      }
    },
    subscribe: subscribe as Live['subscribe'],
    subscribeDocuments,
    subscribeContactImport,
    subscribeFlowRuns,
    subscribeBroadcast,
    awaitReply(requestId, timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          replies.delete(requestId);
          resolve(null);
        }, timeoutMs);
        replies.set(requestId, (reply) => {
          clearTimeout(timer);
          replies.delete(requestId);
          resolve(reply);
        });
      });
    },
  };
}
