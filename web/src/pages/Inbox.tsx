import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { ConversationList } from '../components/ConversationList';
import { ChatIcon, ChannelIcon } from '../components/Icons';
import { SimulatorPhone } from '../components/SimulatorPhone';
import { Thread } from '../components/Thread';
import { errorMessage } from '../graphql/client';
import type { ConversationMode, ConversationSummary, Message } from '../graphql/fragments';
import { type ConversationPatch, listen } from '../graphql/live';
import { fetchBotSettings, fetchChannels, fetchConversations } from '../graphql/operations';
import { navigate } from '../lib/router';

type ModeFilter = 'ALL' | ConversationMode;
const FILTERS: { value: ModeFilter; label: string }[] = [
  { value: 'ALL', label: 'All' },
  { value: 'BOT', label: 'Bot' },
  { value: 'HUMAN', label: 'Human' },
];

/** The live inbox: conversations, the open thread, and the customer simulator. */
export function Inbox(props: { conversationId: string | null }) {
  const [filter, setFilter] = createSignal<ModeFilter>('ALL');
  const [list, setList] = createStore<{ items: ConversationSummary[] }>({ items: [] });
  const [loading, setLoading] = createSignal(true);
  const [error, setError] = createSignal('');
  const [channels] = createResource(fetchChannels);
  // Only for the "Waiting Xm" badge; without it the badge just says "SLA".
  const [settings] = createResource(() => fetchBotSettings().catch(() => null));
  const slaSeconds = () => settings()?.humanSlaSeconds;
  const simulatorChannels = () => (channels() ?? []).filter((c) => c.kind === 'SIMULATOR');
  const [phoneToggled, setPhoneToggled] = createSignal<boolean | null>(null);
  const showPhone = () => phoneToggled() ?? simulatorChannels().length > 0;

  let refetchTimer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const refetch = async () => {
    const mine = ++generation;
    try {
      const mode = filter();
      const items = await fetchConversations(mode === 'ALL' ? {} : { mode });
      if (mine !== generation) return;
      setList('items', reconcile(items, { key: 'id' }));
      setError('');
    } catch (err) {
      if (mine === generation) setError(errorMessage(err));
    } finally {
      if (mine === generation) setLoading(false);
    }
  };
  const refetchSoon = () => {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(refetch, 200);
  };

  // The first load is the listener's sync, once the live streams are open.
  createEffect(on(filter, () => {
    setLoading(true);
    void refetch();
  }, { defer: true }));

  // Bump the conversation at once; a customer's message (unread count) or a new conversation needs a refetch.
  const bump = (m: Message) => {
    const index = list.items.findIndex((c) => c.id === m.conversationId);
    if (index !== -1) {
      const item = { ...list.items[index], lastMessageText: m.text, lastMessageAt: m.createdAt };
      setList('items', (items) => [item, ...items.filter((c) => c.id !== m.conversationId)]);
    }
    if (index === -1 || m.direction === 'INBOUND') refetchSoon();
  };
  const stop = listen({ added: bump, conversationUpdated: (c) => patch(c), sync: () => void refetch() });
  onCleanup(() => {
    stop();
    clearTimeout(refetchTimer);
  });

  const patch = (p: ConversationPatch) => {
    const index = list.items.findIndex((c) => c.id === p.id);
    if (index !== -1) setList('items', index, p);
    // A mode change moves a conversation in or out of a filtered list.
    if (p.mode && filter() !== 'ALL' && (index !== -1) !== (p.mode === filter())) refetchSoon();
  };

  return (
    <div classList={{ inbox: true, 'with-phone': showPhone() }}>
      <section class="inbox-list-pane">
        <header class="pane-header">
          <h1>Inbox</h1>
          <button type="button" classList={{ 'btn': true, 'btn-ghost': true, 'btn-sm': true, active: showPhone() }}
            data-testid="simulator-toggle" onClick={() => setPhoneToggled(!showPhone())} title="Show or hide the customer simulator">
            <ChannelIcon width="16" height="16" /> Simulator
          </button>
        </header>
        <div class="segmented" role="tablist" aria-label="Filter by mode">
          <For each={FILTERS}>
            {(f) => (
              <button type="button" role="tab" aria-selected={filter() === f.value} classList={{ active: filter() === f.value }}
                data-testid={`filter-${f.value.toLowerCase()}`} onClick={() => setFilter(f.value)}>
                {f.label}
              </button>
            )}
          </For>
        </div>
        <Show when={error()}>
          <div class="alert alert-error" data-testid="inbox-error">{error()}</div>
        </Show>
        <Show when={!loading() && list.items.length === 0 && !error()}>
          <div class="empty-state small">
            <ChatIcon width="32" height="32" />
            <p>{filter() === 'ALL' ? 'No conversations yet.' : `No conversations in ${filter().toLowerCase()} mode.`}</p>
            <Show when={filter() === 'ALL'}>
              <p class="muted">
                <Show when={simulatorChannels().length > 0} fallback={
                  <>Create a <a href="/channels" onClick={(e) => { e.preventDefault(); navigate('/channels'); }}>simulator channel</a> and chat as a customer to try it out.</>
                }>
                  Send a message from the simulator phone to start one.
                </Show>
              </p>
            </Show>
          </div>
        </Show>
        <ConversationList conversations={list.items} selectedId={props.conversationId} loading={loading()} slaSeconds={slaSeconds()}
          onSelect={(id) => navigate(`/inbox/${id}`)} />
      </section>

      <Show when={props.conversationId} keyed fallback={
        <section class="thread thread-none">
          <div class="empty-state">
            <ChatIcon width="48" height="48" />
            <h2>Select a conversation</h2>
            <p class="muted">Messages arrive here live. Take over any conversation to reply as a human.</p>
          </div>
        </section>
      }>
        {(id) => <Thread conversationId={id} slaSeconds={slaSeconds()} />}
      </Show>

      <Show when={showPhone()}>
        <Show when={simulatorChannels().length > 0} fallback={
          <aside class="simulator simulator-empty" data-testid="phone-panel">
            <div class="empty-state small">
              <ChannelIcon width="32" height="32" />
              <p>No simulator channel yet.</p>
              <button class="btn btn-primary btn-sm" onClick={() => navigate('/channels')}>Create one</button>
            </div>
          </aside>
        }>
          <SimulatorPhone channels={simulatorChannels()} />
        </Show>
      </Show>
    </div>
  );
}
