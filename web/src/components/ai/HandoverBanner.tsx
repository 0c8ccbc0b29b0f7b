import { Show } from 'solid-js';
import { HandIcon } from '../Icons';

/** Why the bot handed this conversation to a human (shown until an agent releases it). */
export function HandoverBanner(props: { mode: string; reason: string | null | undefined }) {
  return (
    <Show when={props.mode === 'HUMAN' && props.reason}>
      <div class="handover-banner" data-testid="handover-banner" role="status">
        <HandIcon width="16" height="16" /> The bot handed this conversation over: <strong data-testid="handover-reason">{props.reason}</strong>
      </div>
    </Show>
  );
}
