import { type Accessor, createEffect, createSignal, on, onCleanup } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { mergeMessages, upsertMessage } from '../lib/messages';
import { errorMessage } from './client';
import type { Message } from './fragments';
import { listen } from './live';
import { type ConversationDetail, fetchConversation } from './operations';

/** An open conversation: its state apart from the messages, which are kept on their own. */
type LiveConversationState = Omit<ConversationDetail, 'messages'>;

/**
 * One conversation kept current: loaded when the live streams are open (and again after a
 * reconnect), then updated by its messages and state changes, whoever made them. Follows `id`.
 */
export function createLiveConversation(id: Accessor<string | null>, opts: { onInbound?(message: Message): void } = {}) {
  const [conversation, setConversation] = createSignal<LiveConversationState | null>(null);
  // A store reconciled by id, not a signal of fresh arrays: a message whose copy changes (a receipt, a
  // refetch) keeps its place and its bubble, so what an agent is doing in it (editing a draft, reading
  // "why this reply") survives; a new array would re-create every bubble the list renders.
  const [messages, setStore] = createStore<Message[]>([]);
  const setMessages = (next: Message[] | ((list: Message[]) => Message[])) =>
    setStore(reconcile(typeof next === 'function' ? next(unwrap(messages)) : next, { key: 'id', merge: true }));
  const [error, setError] = createSignal('');

  createEffect(on(id, (current) => {
    setConversation(null);
    setMessages([]);
    setError('');
    if (!current) return;
    let alive = true;
    const load = async () => {
      try {
        const c = await fetchConversation(current);
        if (!alive) return;
        if (!c) return setError('This conversation no longer exists.');
        const { messages: fetched, ...state } = c;
        setConversation(state);
        setMessages((list) => mergeMessages(list, fetched));
        setError('');
      } catch (err) {
        if (alive) setError(errorMessage(err));
      }
    };
    const stop = listen({
      conversationId: current,
      added: (m) => {
        setMessages((list) => upsertMessage(list, m));
        if (m.direction === 'INBOUND') opts.onInbound?.(m);
      },
      updated: (m) => setMessages((list) => upsertMessage(list, m)),
      conversationUpdated: (patch) => setConversation((c) => (c ? { ...c, ...patch } : c)),
      sync: () => void load(),
    });
    onCleanup(() => {
      alive = false;
      stop();
    });
  }));

  return { conversation, messages: (): Message[] => messages, error };
}
