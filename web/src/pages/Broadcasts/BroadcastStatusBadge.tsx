import type { BroadcastStatus } from '../../graphql/broadcasts';

const TONE: Record<BroadcastStatus, 'status-ok' | 'status-warn' | 'status-off' | 'status-live' | 'status-bad'> = {
  DRAFT: 'status-off',
  SCHEDULED: 'status-warn',
  RUNNING: 'status-live',
  PAUSED: 'status-warn',
  COMPLETED: 'status-ok',
  CANCELLED: 'status-off',
  FAILED: 'status-bad',
};

/** A broadcast's status as a coloured dot and word. */
export function BroadcastStatusBadge(props: { status: BroadcastStatus }) {
  return (
    <span class={`status ${TONE[props.status]}`} data-testid="broadcast-status" data-status={props.status}>
      {props.status.toLowerCase()}
    </span>
  );
}
