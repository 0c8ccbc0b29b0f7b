import { For, Show } from 'solid-js';
import type { ConversationSummary } from '../graphql/fragments';
import { relativeTime, slaBadge } from '../lib/format';
import { Avatar } from './Avatar';

/** The inbox's list: newest activity first, with unread and bot/human badges. */
export function ConversationList(props: {
  conversations: ConversationSummary[];
  selectedId: string | null;
  loading: boolean;
  /** The workspace's SLA, for the "Waiting Xm" badge; unknown: "SLA". */
  slaSeconds?: number | null;
  onSelect: (id: string) => void;
}) {
  return (
    <ul class="conversation-list" data-testid="conversation-list" aria-busy={props.loading}>
      <For each={props.conversations}>
        {(c) => {
          const selected = () => c.id === props.selectedId;
          const unread = () => (selected() ? 0 : c.unreadCount);
          return (
            <li>
              <button type="button" classList={{ 'conversation-item': true, selected: selected(), unread: unread() > 0, 'sla-breached': !!c.slaBreachedAt }}
                data-testid="conversation-item" data-conversation-id={c.id} data-mode={c.mode} data-sla-breached={c.slaBreachedAt ? 'true' : undefined}
                onClick={() => props.onSelect(c.id)}>
                <Avatar name={c.contact.name} phone={c.contact.phone} size={44} />
                <div class="conversation-body">
                  <div class="conversation-top">
                    <span class="conversation-name" data-testid="conversation-name">{c.contact.name || c.contact.phone}</span>
                    <span class="conversation-time">{relativeTime(c.lastMessageAt)}</span>
                  </div>
                  <div class="conversation-bottom">
                    <span class="conversation-preview" data-testid="conversation-preview">{c.lastMessageText ?? 'No messages yet'}</span>
                    <Show when={c.slaBreachedAt}>
                      {(at) => {
                        const badge = () => slaBadge(at(), props.slaSeconds);
                        return <span class="sla-badge" data-testid="sla-badge" title={badge().title}>{badge().text}</span>;
                      }}
                    </Show>
                    <Show when={c.contact.blocked}>
                      <span class="mode-badge blocked-badge" data-testid="blocked-badge">BLOCKED</span>
                    </Show>
                    <span class={`mode-badge mode-${c.mode.toLowerCase()}`} data-testid="conversation-mode">{c.mode}</span>
                    <Show when={unread() > 0}>
                      <span class="unread-badge" data-testid="unread-badge">{unread() > 99 ? '99+' : unread()}</span>
                    </Show>
                  </div>
                </div>
              </button>
            </li>
          );
        }}
      </For>
    </ul>
  );
}
