import { onConversationUpdated, onMessageAdded, onMessageUpdated, type ConversationChange } from './operations';
import type { Message } from './types';

export interface LiveListener {
  /** Only this conversation's messages; all of the workspace when omitted. */
  conversationId?: string;
  added?(message: Message): void;
  updated?(message: Message): void;
  /** The conversation's mode, unread count or SLA breach changed. */
  conversationUpdated?(change: ConversationChange): void;
  /** The stream (re)connected: refetch, since messages sent before it was live were missed. */
  reconnected?(): void;
}

const listeners = new Set<LiveListener>();
let stop: (() => void) | null = null;

/**
 * Live updates for every view on the page through three workspace-wide SSE streams
 * (messageAdded, messageUpdated, conversationUpdated), fanned out here by conversation. One stream per view
 * would exhaust the browser's six HTTP/1.1 connections per origin and stall ordinary requests.
 */
export function listen(listener: LiveListener): () => void {
  listeners.add(listener);
  stop ??= connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && stop) {
      stop();
      stop = null;
    }
  };
}

function connect(): () => void {
  const each = (m: Message, pick: (l: LiveListener) => ((m: Message) => void) | undefined) => {
    for (const l of [...listeners]) if (!l.conversationId || l.conversationId === m.conversationId) pick(l)?.(m);
  };
  const stopAdded = onMessageAdded({
    next: (m) => each(m, (l) => l.added),
    // Views that started listening before this (re)open may have missed messages in between.
    open: () => {
      for (const l of [...listeners]) l.reconnected?.();
    },
  });
  const stopUpdated = onMessageUpdated({ next: (m) => each(m, (l) => l.updated) });
  const stopConversations = onConversationUpdated({
    next: (c) => {
      for (const l of [...listeners]) if (!l.conversationId || l.conversationId === c.id) l.conversationUpdated?.(c);
    },
  });
  return () => {
    stopAdded();
    stopUpdated();
    stopConversations();
  };
}
