import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../graphql/client';
import type { Channel } from '../graphql/fragments';
import { createLiveConversation } from '../graphql/live-conversation';
import { fetchConversations, simulateInbound } from '../graphql/operations';
import { clockTime, sameDigits } from '../lib/format';
import { ChannelIcon, DoubleCheckIcon, SendIcon } from './Icons';
import { Logo } from './Shell';

export const DEFAULT_CUSTOMER_PHONE = '+15550001111';

/**
 * A phone that chats with a SIMULATOR channel as a customer would: the customer's own
 * messages on the right, the business's replies (bot or agent) on the left.
 */
/** `onConversation`: told the phone's conversation whenever it changes (null: this customer has none yet). */
export function SimulatorPhone(props: { channels: Channel[]; onConversation?: (conversationId: string | null) => void }) {
  const [channelId, setChannelId] = createSignal(props.channels[0]?.id ?? '');
  const [phone, setPhone] = createSignal(DEFAULT_CUSTOMER_PHONE);
  const [name, setName] = createSignal('');
  const [conversationId, setConversationId] = createSignal<string | null>(null);
  const [draft, setDraft] = createSignal('');
  const [sending, setSending] = createSignal(false);
  const [error, setError] = createSignal('');
  let scroller: HTMLDivElement | undefined;

  // Keep the selection valid when channels are added or removed.
  createEffect(() => {
    if (!props.channels.some((c) => c.id === channelId())) setChannelId(props.channels[0]?.id ?? '');
  });
  const channel = () => props.channels.find((c) => c.id === channelId());

  // A new customer identity starts a new chat; an existing conversation for it is looked up.
  createEffect(on([channelId, phone], ([cid, number]) => {
    setConversationId(null);
    setError('');
    if (!cid || number.replace(/\D/g, '').length < 6) return;
    const timer = setTimeout(async () => {
      try {
        const found = await fetchConversations({ channelId: cid, search: number.replace(/[^\d+]/g, '') }, 10);
        const match = found.find((c) => sameDigits(c.contact.phone, number));
        if (match && !conversationId() && channelId() === cid && phone() === number) setConversationId(match.id);
      } catch (err) {
        console.warn('Looking up the simulator conversation failed', err);
      }
    }, 400);
    onCleanup(() => clearTimeout(timer));
  }));

  createEffect(() => props.onConversation?.(conversationId()));

  const live = createLiveConversation(conversationId);
  // The customer's phone never shows an AI draft waiting for approval, or one an agent rejected.
  const messages = () => live.messages().filter((m) => m.status !== 'DRAFT' && m.status !== 'REJECTED');

  createEffect(on(messages, () => {
    requestAnimationFrame(() => scroller && (scroller.scrollTop = scroller.scrollHeight));
  }));

  const say = async (text: string, reply?: { id: string; title: string; type: 'BUTTON_REPLY' | 'LIST_REPLY' }) => {
    if (!text || sending() || !channelId()) return false;
    setSending(true);
    setError('');
    try {
      const tap = reply ? { type: reply.type, reply: { id: reply.id, title: reply.title } } : {};
      const message = await simulateInbound({ channelId: channelId(), from: phone().trim(), text, name: name().trim() || undefined, ...tap });
      if (message.conversationId !== conversationId()) setConversationId(message.conversationId);
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setSending(false);
    }
  };
  const send = async (e: Event) => {
    e.preventDefault();
    if (await say(draft().trim())) setDraft('');
  };
  // Which message's list is open (a list shows its rows once its button is tapped, as on a phone).
  const [openList, setOpenList] = createSignal<string | null>(null);

  return (
    <aside class="simulator" data-testid="phone-panel">
      <div class="simulator-config">
        <div class="simulator-title"><ChannelIcon width="16" height="16" /> Customer simulator</div>
        <label class="field field-compact">
          <span>Channel</span>
          <select data-testid="phone-channel" value={channelId()} onChange={(e) => setChannelId(e.currentTarget.value)}>
            <For each={props.channels}>{(c) => <option value={c.id}>{c.name}</option>}</For>
          </select>
        </label>
        <div class="field-row">
          <label class="field field-compact">
            <span>Customer phone</span>
            <input data-testid="phone-number" type="tel" value={phone()} onChange={(e) => setPhone(e.currentTarget.value.trim())} />
          </label>
          <label class="field field-compact">
            <span>Name (optional)</span>
            <input data-testid="phone-name" type="text" placeholder="Ada Lovelace" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        </div>
      </div>

      <div class="phone">
        <div class="phone-notch" />
        <div class="phone-statusbar"><span>9:41</span><span class="phone-signal">●●●● 5G</span></div>
        <div class="wa-header">
          <Logo size={34} />
          <div>
            <div class="wa-header-name">{channel()?.name ?? 'Business'}</div>
            <div class="wa-header-sub">Business account</div>
          </div>
        </div>
        <div class="wa-body wallpaper" ref={scroller} data-testid="phone-messages">
          <div class="wa-encryption">Messages to this business are handled by Parley. This is a simulated chat.</div>
          <For each={messages()}>
            {(m) => {
              const mine = m.direction === 'INBOUND';
              const bubble = (
                <div classList={{ 'wa-bubble': true, 'wa-mine': mine, 'wa-theirs': !mine }}
                  data-testid="phone-bubble" data-direction={m.direction} data-sender-type={m.senderType} data-message-id={m.id}>
                  <span class="wa-text">{m.text}</span>
                  <span class="wa-meta">
                    {clockTime(m.createdAt)}
                    <Show when={mine}><DoubleCheckIcon class="wa-read" /></Show>
                  </span>
                </div>
              );
              // Read from details (where the send keeps them) rather than Message.buttons / list: the open thread's query stays within its cost.
              const { buttons, list: listOf } = outboundChoices(m.details);
              const choices = (
                <Show when={!mine && (buttons.length || listOf)}>
                  <div class="wa-choices" data-testid="phone-choices" data-message-id={m.id}>
                    <For each={buttons}>
                      {(b) => (
                        <button type="button" class="wa-choice" data-testid="phone-button" disabled={sending()} onClick={() => say(b.title, { id: b.id, title: b.title, type: 'BUTTON_REPLY' })}>
                          {b.title}
                        </button>
                      )}
                    </For>
                    <Show when={listOf}>
                      {(list) => (
                        <>
                          <button type="button" class="wa-choice" data-testid="phone-list-button" onClick={() => setOpenList(openList() === m.id ? null : m.id)}>
                            ☰ {list().button}
                          </button>
                          <Show when={openList() === m.id}>
                            <For each={list().rows}>
                              {(row) => (
                                <button type="button" class="wa-choice wa-choice-row" data-testid="phone-list-row" disabled={sending()}
                                  onClick={async () => (await say(row.title, { id: row.id, title: row.title, type: 'LIST_REPLY' })) && setOpenList(null)}>
                                  <span>{row.title}</span>
                                  <Show when={row.description}><small>{row.description}</small></Show>
                                </button>
                              )}
                            </For>
                          </Show>
                        </>
                      )}
                    </Show>
                  </div>
                </Show>
              );
              return <>{bubble}{choices}</>;
            }}
          </For>
        </div>
        <Show when={error() || live.error()}>
          <div class="wa-error" data-testid="phone-error">{error() || live.error()}</div>
        </Show>
        <form class="wa-composer" onSubmit={send}>
          <input data-testid="phone-input" type="text" placeholder="Message" value={draft()} autocomplete="off"
            onInput={(e) => setDraft(e.currentTarget.value)} disabled={!channelId()} />
          <button type="submit" data-testid="phone-send" disabled={sending() || !draft().trim() || !channelId()} aria-label="Send">
            <SendIcon width="18" height="18" />
          </button>
        </form>
      </div>
    </aside>
  );
}

interface Choice { id: string; title: string; description?: string | null }

/** An outbound message's reply buttons and list, from its details (activities/outbound-content.ts writes them). */
function outboundChoices(details: unknown): { buttons: Choice[]; list: { button: string; rows: Choice[] } | null } {
  const d = (details ?? {}) as { buttons?: unknown; list?: { button?: unknown; rows?: unknown } };
  const isChoice = (c: unknown): c is Choice => typeof (c as Choice)?.id === 'string' && typeof (c as Choice)?.title === 'string';
  const buttons = Array.isArray(d.buttons) ? d.buttons.filter(isChoice) : [];
  const rows = Array.isArray(d.list?.rows) ? d.list.rows.filter(isChoice) : [];
  return { buttons, list: rows.length && typeof d.list?.button === 'string' ? { button: d.list.button, rows } : null };
}
