import { Match, Switch } from 'solid-js';
import type { MessageStatus } from '../graphql/fragments';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from './Icons';

const LABELS: Record<MessageStatus, string> = {
  PENDING: 'Sending', SENT: 'Sent', DELIVERED: 'Delivered', READ: 'Read', FAILED: 'Failed',
};

/** The delivery state of an outbound message, drawn like WhatsApp. */
export function StatusTicks(props: { status: MessageStatus }) {
  return (
    <span class={`ticks ticks-${props.status.toLowerCase()}`} title={LABELS[props.status]}
      aria-label={LABELS[props.status]} data-testid="message-status" data-status={props.status}>
      <Switch>
        <Match when={props.status === 'PENDING'}><ClockIcon width="13" height="13" /></Match>
        <Match when={props.status === 'SENT'}><CheckIcon /></Match>
        <Match when={props.status === 'DELIVERED' || props.status === 'READ'}><DoubleCheckIcon /></Match>
        <Match when={props.status === 'FAILED'}><AlertIcon width="14" height="14" /></Match>
      </Switch>
    </span>
  );
}
