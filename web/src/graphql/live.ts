import { ConversationChangeFields, MessageFields, type ConversationChange, type Message } from './fragments';
import { graphql } from './graphql';
import { subscribe } from './subscribe';

/** Part of a conversation's state, as an event or one of this tab's own actions reports it. */
export type ConversationPatch = Partial<ConversationChange> & { id: string };

export interface LiveListener {
  /** Only this conversation's messages; all of the workspace when omitted. */
  conversationId?: string;
  added?(message: Message): void;
  updated?(message: Message): void;
  /** The conversation's mode, unread count, SLA breach or contact changed. */
  conversationUpdated?(patch: ConversationPatch): void;
  /**
   * Load your snapshot now. Called once the streams are open (soon after `listen` when they already
   * are), so nothing sent between the snapshot and the stream is missed, and again after a stream
   * reconnects, since what was sent while it was down never arrives.
   */
  sync?(): void;
}

const MessageAdded = graphql(`subscription MessageAdded { messageAdded { ...MessageFields } }`, [MessageFields]);
const MessageUpdated = graphql(`subscription MessageUpdated { messageUpdated { ...MessageFields } }`, [MessageFields]);
const ConversationUpdated = graphql(`
  subscription ConversationUpdated { conversationUpdated { ...ConversationChangeFields } }
`, [ConversationChangeFields]);
const STREAMS = 3;

const listeners = new Set<LiveListener>();
let connection: { stop(): void; opened: Set<string>; failed: boolean } | null = null;

/**
 * Live updates for every view on the page through three workspace-wide SSE streams
 * (messageAdded, messageUpdated, conversationUpdated), fanned out here by conversation. One stream per view
 * would exhaust the browser's six HTTP/1.1 connections per origin and stall ordinary requests.
 */
export function listen(listener: LiveListener): () => void {
  listeners.add(listener);
  if (!connection) connection = connect();
  else if (isReady(connection)) queueMicrotask(() => listeners.has(listener) && listener.sync?.());
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && connection) {
      connection.stop();
      connection = null;
    }
  };
}

/** A message this tab just wrote (sent or simulated), to every view showing its conversation. */
export function announceMessage(message: Message): void {
  for (const l of [...listeners]) if (wants(l, message.conversationId)) l.added?.(message);
}

/** A conversation's state after one of this tab's actions; the server's event that follows says the same. */
export function announceConversation(patch: ConversationPatch): void {
  for (const l of [...listeners]) if (wants(l, patch.id)) l.conversationUpdated?.(patch);
}

function connect(): NonNullable<typeof connection> {
  const state = { opened: new Set<string>(), failed: false, stop: () => {} };
  const syncAll = () => {
    for (const l of [...listeners]) l.sync?.();
  };
  const opened = (stream: string) => () => {
    const reopened = state.opened.has(stream);
    const wasReady = isReady(state);
    state.opened.add(stream);
    if (isReady(state) && (reopened || !wasReady)) syncAll();
  };
  // A stream the server refused for good: the views still load, without live updates.
  const failed = () => {
    if (state.failed) return;
    state.failed = true;
    syncAll();
  };
  const stops = [
    subscribe(MessageAdded, {}, {
      next: (d) => announceMessage(d.messageAdded),
      open: opened('added'),
      error: failed,
    }),
    subscribe(MessageUpdated, {}, {
      next: (d) => {
        for (const l of [...listeners]) if (wants(l, d.messageUpdated.conversationId)) l.updated?.(d.messageUpdated);
      },
      open: opened('updated'),
      error: failed,
    }),
    subscribe(ConversationUpdated, {}, {
      next: (d) => announceConversation(d.conversationUpdated),
      open: opened('conversations'),
      error: failed,
    }),
  ];
  state.stop = () => {
    for (const stop of stops) stop();
  };
  return state;
}

function isReady(state: { opened: Set<string>; failed: boolean }): boolean {
  return state.failed || state.opened.size === STREAMS;
}

function wants(listener: LiveListener, conversationId: string): boolean {
  return !listener.conversationId || listener.conversationId === conversationId;
}
