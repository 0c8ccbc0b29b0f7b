import { Match, Switch } from 'solid-js';
import type { MessageStatus } from '../graphql/fragments';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from './Icons';

const LABELS: Record<MessageStatus, string> = {
  PENDING: 'Waiting to send', SENDING: 'Sending', SENT: 'Sent', DELIVERED: 'Delivered', READ: 'Read', FAILED: 'Failed',
  UNCERTAIN: 'May not have been sent', DRAFT: 'Draft: waiting for approval', REJECTED: 'Draft rejected: not sent',
};

/** The delivery state of an outbound message, drawn like WhatsApp; a send that took retries says how many calls. */
export function StatusTicks(props: { status: MessageStatus; attempts?: number; at?: string | null }) {
  const label = () =>
    LABELS[props.status] + ((props.attempts ?? 0) > 1 ? ` (${props.attempts} attempts)` : '') + (props.at ? ` ${new Date(props.at).toLocaleString()}` : '');
  return (
    <span class={`ticks ticks-${props.status.toLowerCase()}`} title={label()}
      aria-label={label()} data-testid="message-status" data-status={props.status}>
      <Switch>
        <Match when={props.status === 'PENDING' || props.status === 'SENDING'}><ClockIcon width="13" height="13" /></Match>
        <Match when={props.status === 'SENT'}><CheckIcon /></Match>
        <Match when={props.status === 'DELIVERED' || props.status === 'READ'}><DoubleCheckIcon /></Match>
        <Match when={props.status === 'FAILED' || props.status === 'UNCERTAIN'}><AlertIcon width="14" height="14" /></Match>
      </Switch>
    </span>
  );
}
