import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../graphql/client';
import type { Message } from '../graphql/fragments';
import { createLiveConversation } from '../graphql/live-conversation';
import { conversationAction, resendMessage, sendMessage, setContactBlocked } from '../graphql/operations';
import { clockTime, dayKey, dayLabel, slaBadge } from '../lib/format';
import { canResend } from '../lib/messages';
import { Avatar } from './Avatar';
import { BlockIcon, BotIcon, ClockIcon, ExternalIcon, HandIcon, ReplyIcon, SendIcon } from './Icons';
import { StatusTicks } from './StatusTicks';
import { MessageBody } from './MessageBody';
import { QuotedMessage } from './QuotedMessage';
import { Reactions } from './Reactions';
import { ThreadContact } from './ThreadContact';
import { WindowComposer } from './WindowComposer';
import { DraftActions } from './ai/DraftActions';
import { HandoverBanner } from './ai/HandoverBanner';
import { WhyThisReply } from './ai/WhyThisReply';

/** How long the agent looks at a new customer message before it counts as read. */
const READ_AFTER_MS = 250;
/** How long a quoted message stays marked after a click on its quote scrolled to it. */
const HIGHLIGHT_MS = 1600;

/** One conversation as the agent sees it: live bubbles, take over / release, and the reply box. */
export function Thread(props: {
  conversationId: string;
  /** The workspace's SLA, for the "Waiting Xm" badge. */
  slaSeconds?: number | null;
}) {
  const [actionError, setActionError] = createSignal('');
  const [switching, setSwitching] = createSignal(false);
  const [draft, setDraft] = createSignal('');
  const [sending, setSending] = createSignal(false);
  let scroller: HTMLDivElement | undefined;
  let input: HTMLTextAreaElement | undefined;
  let readTimer: ReturnType<typeof setTimeout> | undefined;

  const read = () => {
    clearTimeout(readTimer);
    const id = props.conversationId;
    readTimer = setTimeout(() => conversationAction('markRead', id).catch((err) => console.warn('markRead failed', err)), READ_AFTER_MS);
  };
  const live = createLiveConversation(() => props.conversationId, { onInbound: read });
  const conversation = live.conversation;
  const messages = live.messages;

  createEffect(on(() => props.conversationId, () => {
    setActionError('');
    setDraft('');
    read();
  }));
  onCleanup(() => clearTimeout(readTimer));
  // Ready to type once a conversation opens, but never taking the caret from a field the agent is
  // typing in (the simulator phone, a note): a refetch that re-renders the thread must not steal it.
  createEffect(on(() => conversation()?.id, (loaded) => loaded && queueMicrotask(() => {
    const active = document.activeElement;
    if (active && active !== input && active.matches('input, textarea, [contenteditable="true"]')) return;
    input?.focus();
  })));

  // Follow the conversation as it grows, unless the agent scrolled up to read history.
  let pinned = true;
  createEffect(on(messages, () => {
    if (!scroller || !pinned) return;
    requestAnimationFrame(() => scroller && (scroller.scrollTop = scroller.scrollHeight));
  }));
  const onScroll = () => {
    if (scroller) pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  };

  /** Scrolls to a message of the thread (a quoted one) and marks it for a moment. */
  const showMessage = (id: string) => {
    const bubble = scroller?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
    if (!bubble) return;
    pinned = false;
    bubble.scrollIntoView({ behavior: 'smooth', block: 'center' });
    bubble.classList.add('bubble-highlight');
    setTimeout(() => bubble.classList.remove('bubble-highlight'), HIGHLIGHT_MS);
  };

  const switchMode = async (action: 'takeOver' | 'release') => {
    setSwitching(true);
    setActionError('');
    try {
      await conversationAction(action, props.conversationId);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setSwitching(false);
    }
  };

  const toggleBlocked = async () => {
    const c = conversation();
    if (!c) return;
    const block = !c.contact.blocked;
    if (block && !window.confirm(`Block ${c.contact.name || c.contact.phone}? Their messages are still kept, but the bot will not answer them.`)) return;
    setSwitching(true);
    setActionError('');
    try {
      await setContactBlocked(c.id, c.contact.id, block);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setSwitching(false);
    }
  };

  const send = async (e?: Event) => {
    e?.preventDefault();
    const text = draft().trim();
    if (!text || sending()) return;
    setSending(true);
    setActionError('');
    try {
      pinned = true;
      await sendMessage({ conversationId: props.conversationId, text });
      setDraft('');
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setSending(false);
      input?.focus();
    }
  };

  return (
    <section class="thread" data-testid="thread" data-conversation-id={props.conversationId}>
      <Show when={conversation()} fallback={
        <div class="thread-placeholder">
          <Show when={live.error()} fallback={<div class="spinner" aria-label="Loading" />}>
            <div class="alert alert-error">{live.error()}</div>
          </Show>
        </div>
      }>
        {(c) => (
          <>
            <header class="thread-header">
              <Avatar name={c().contact.name} phone={c().contact.phone} size={40} />
              <div class="thread-title">
                <div class="thread-name" data-testid="thread-name">{c().contact.name || c().contact.phone}</div>
                <div class="thread-sub">
                  <Show when={c().contact.name}>{c().contact.phone} · </Show>{c().channel.name}
                </div>
              </div>
              <div class="thread-actions">
                <Show when={c().slaBreachedAt}>
                  {(at) => {
                    const badge = () => slaBadge(at(), props.slaSeconds);
                    return (
                      <span class="sla-pill" data-testid="thread-sla" title={badge().title}>
                        <ClockIcon width="14" height="14" /> {badge().text}
                      </span>
                    );
                  }}
                </Show>
                <Show when={c().contact.blocked}>
                  <span class="blocked-pill" data-testid="thread-blocked" title="The bot does not answer this contact">
                    <BlockIcon width="14" height="14" /> Blocked
                  </span>
                </Show>
                <span class={`mode-pill mode-${c().mode.toLowerCase()}`} data-testid="thread-mode" data-mode={c().mode}>
                  <Show when={c().mode === 'BOT'} fallback={<><HandIcon width="14" height="14" /> Human</>}>
                    <BotIcon width="14" height="14" /> Bot
                  </Show>
                </span>
                <Show when={c().mode === 'BOT'} fallback={
                  <button class="btn btn-secondary" data-testid="release" disabled={switching()} onClick={() => switchMode('release')}>
                    <BotIcon width="16" height="16" /> Release
                  </button>
                }>
                  <button class="btn btn-primary" data-testid="take-over" disabled={switching()} onClick={() => switchMode('takeOver')}>
                    <HandIcon width="16" height="16" /> Take over
                  </button>
                </Show>
                <button class="btn btn-ghost" data-testid={c().contact.blocked ? 'unblock-contact' : 'block-contact'} disabled={switching()}
                  onClick={() => void toggleBlocked()} aria-label={c().contact.blocked ? 'Unblock contact' : 'Block contact'}
                  title={c().contact.blocked ? 'Unblock: the bot answers this contact again' : 'Block: keep their messages, never answer them'}>
                  <BlockIcon width="16" height="16" />
                </button>
                <Show when={c().temporalUrl}>
                  {(url) => (
                    <a class="btn btn-ghost" data-testid="open-temporal" href={url()} target="_blank" rel="noopener noreferrer"
                      title={`Open workflow ${c().workflowId} in the Temporal Web UI`} aria-label="Open in Temporal">
                      <ExternalIcon width="16" height="16" /> <span class="collapsible-label">Open in Temporal</span>
                    </a>
                  )}
                </Show>
              </div>
            </header>

            <HandoverBanner mode={c().mode} reason={c().handoverReason} />
            <ThreadContact contactId={c().contact.id} />
            <div class="thread-body wallpaper" ref={scroller} onScroll={onScroll} data-testid="thread-messages">
              <Show when={messages().length === 0}>
                <div class="thread-empty">No messages in this conversation yet.</div>
              </Show>
              <For each={messages()}>
                {(m, i) => (
                  <>
                    <Show when={i() === 0 || dayKey(messages()[i() - 1].createdAt) !== dayKey(m.createdAt)}>
                      <div class="day-separator"><span>{dayLabel(m.createdAt)}</span></div>
                    </Show>
                    <ThreadBubble message={m} onError={setActionError} onOpenQuoted={showMessage} />
                  </>
                )}
              </For>
            </div>

            <Show when={actionError()}>
              <div class="alert alert-error thread-alert" data-testid="thread-error">{actionError()}</div>
            </Show>
            <Show when={c().contact.blocked} fallback={
              <Show when={c().mode === 'BOT'}>
                <div class="composer-hint">
                  <BotIcon width="14" height="14" /> The bot is answering this customer. Take over to pause it while you reply.
                </div>
              </Show>
            }>
              <div class="composer-hint" data-testid="blocked-hint">
                <BlockIcon width="14" height="14" /> This contact is blocked: their messages are kept, but the bot does not answer them.
              </div>
            </Show>
            <WindowComposer conversationId={props.conversationId} refresh={messages().length}>
            <form class="composer" onSubmit={send}>
              <textarea ref={input} data-testid="reply-input" rows={1} placeholder="Type a reply…" value={draft()}
                onInput={(e) => setDraft(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) void send(e);
                }} />
              <button type="submit" class="btn btn-send" data-testid="reply-send" disabled={sending() || !draft().trim()} aria-label="Send">
                <SendIcon width="18" height="18" />
              </button>
            </form>
            </WindowComposer>
          </>
        )}
      </Show>
    </section>
  );
}

function ThreadBubble(props: { message: Message; onError: (message: string) => void; onOpenQuoted: (id: string) => void }) {
  const m = () => props.message;
  const outbound = () => m().direction === 'OUTBOUND';
  const [resending, setResending] = createSignal(false);
  const resend = async () => {
    setResending(true);
    props.onError('');
    try {
      await resendMessage(m().id);
    } catch (err) {
      props.onError(errorMessage(err));
    } finally {
      setResending(false);
    }
  };
  return (
    <div classList={{
      bubble: true, 'bubble-in': !outbound(), 'bubble-out': outbound(),
      'bubble-bot': m().senderType === 'BOT', 'bubble-human': m().senderType === 'HUMAN',
      'bubble-failed': m().status === 'FAILED', 'bubble-uncertain': m().status === 'UNCERTAIN',
      'bubble-draft': m().status === 'DRAFT', 'bubble-rejected': m().status === 'REJECTED',
    }} data-testid="thread-bubble" data-message-id={m().id} data-direction={m().direction}
      data-sender-type={m().senderType} data-status={m().status}>
      <Show when={outbound()}>
        <div class="bubble-sender" data-testid="bubble-sender">
          <Show when={m().senderType === 'BOT'} fallback={<><HandIcon width="12" height="12" /> Agent</>}>
            <BotIcon width="12" height="12" /> Bot
          </Show>
        </div>
      </Show>
      <Show when={m().forwarded}><div class="bubble-forwarded" data-testid="bubble-forwarded"><ReplyIcon width="12" height="12" /> Forwarded</div></Show>
      <Show when={m().replyToExternalId}><QuotedMessage quoted={m().replyTo ?? null} onOpen={props.onOpenQuoted} /></Show>
      <MessageBody message={m()} />
      <div class="bubble-meta">
        <span>{clockTime(m().createdAt)}</span>
        <Show when={outbound()}><StatusTicks status={m().status} attempts={m().sendAttempts} at={m().status === 'READ' ? m().readAt : m().status === 'DELIVERED' ? m().deliveredAt : null} /></Show>
      </div>
      <WhyThisReply message={m()} />
      <Show when={m().status === 'DRAFT'}><DraftActions message={m()} onError={props.onError} /></Show>
      <Show when={m().status === 'FAILED'}>
        <div class="bubble-failure" data-testid="failure-reason">
          Not delivered{m().failureReason ? `: ${m().failureReason}` : ''}{m().failureCode ? ` (code ${m().failureCode})` : ''}
        </div>
      </Show>
      <Show when={m().status === 'UNCERTAIN'}>
        <div class="bubble-failure bubble-uncertain-reason" data-testid="uncertain-reason">
          {m().failureReason ?? 'This message may not have reached the customer.'}
        </div>
      </Show>
      <Reactions reactions={m().reactions} />
      <Show when={canResend(m())}>
        <button type="button" class="btn btn-secondary btn-sm bubble-resend" data-testid="resend" disabled={resending()}
          title="Send it again as a new message" onClick={() => void resend()}>
          {resending() ? 'Resending…' : 'Resend'}
        </button>
      </Show>
    </div>
  );
}
