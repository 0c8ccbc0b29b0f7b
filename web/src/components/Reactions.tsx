import { For, Show } from 'solid-js';
import type { Message } from '../graphql/fragments';

/** The current reactions to a message, under its bubble: the customer's and ours. */
export function Reactions(props: { reactions: Message['reactions'] }) {
  return (
    <Show when={props.reactions.length > 0}>
      <div class="reactions" data-testid="reactions">
        <For each={props.reactions}>
          {(r) => (
            <span class="reaction" data-testid="reaction" data-from-contact={String(r.fromContact)}
              title={r.fromContact ? 'The customer reacted' : 'You reacted'}>{r.emoji}</span>
          )}
        </For>
      </div>
    </Show>
  );
}
