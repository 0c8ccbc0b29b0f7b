import { Show } from 'solid-js';
import type { OpeningRange } from '../../graphql/fragments';
import { now } from '../../lib/format';
import { isOpenAt, localTime } from '../../lib/hours';

/** "It is Monday 10:00 in Europe/Berlin: open — …": the hours being edited applied to this moment. */
export function OpenNowStatus(props: { hours: OpeningRange[] | null; timeZone: string; awayMessage: string }) {
  const openNow = () => isOpenAt(props.hours, props.timeZone, new Date(now()));
  return (
    <Show when={localTime(new Date(now()), props.timeZone)}>
      {(local) => (
        <div classList={{ 'hours-status': true, open: openNow() === true, closed: openNow() === false }}
          data-testid="hours-status" data-open={String(openNow())}>
          <span class="hours-status-dot" />
          <span>
            It is <strong>{local().label}</strong> in {props.timeZone.replace(/_/g, ' ')}:{' '}
            {openNow()
              ? <>open — the bot sends the default reply.</>
              : <>closed — customers get the away message{props.awayMessage.trim() ? '' : ' (none set: the bot stays silent)'}.</>}
          </span>
        </div>
      )}
    </Show>
  );
}
