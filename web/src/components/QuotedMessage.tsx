import { Show } from 'solid-js';
import type { QuotedMessage as Quoted } from '../graphql/fragments';

/** The message a bubble quotes, above it; a click scrolls to it in the thread. */
export function QuotedMessage(props: { quoted: Quoted | null; onOpen(id: string): void }) {
  const who = (q: Quoted) => (q.direction === 'INBOUND' ? 'Customer' : q.senderType === 'BOT' ? 'Bot' : 'You');
  return (
    <Show when={props.quoted} fallback={<div class="quoted quoted-missing" data-testid="quoted-message">Quoted message not available</div>}>
      {(q) => (
        <button type="button" class="quoted" data-testid="quoted-message" data-quoted-id={q().id} onClick={() => props.onOpen(q().id)}
          title="Show the quoted message">
          <span class="quoted-sender">{who(q())}</span>
          <span class="quoted-text">{q().text}</span>
        </button>
      )}
    </Show>
  );
}
