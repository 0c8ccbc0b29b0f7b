/** Receives the events other processes publish (events.ts), reconnecting when Postgres goes away. */
import pg from 'pg';
import { EVENTS_CHANNEL, type ParleyEvent } from './events';

export interface EventListener {
  close(): Promise<void>;
}

export async function listenEvents(
  databaseUrl: string,
  onEvent: (event: ParleyEvent) => void,
  log: (msg: string, err?: unknown) => void,
): Promise<EventListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (msg) => {
      if (msg.channel !== EVENTS_CHANNEL || !msg.payload) return;
      try {
        onEvent(JSON.parse(msg.payload) as ParleyEvent);
      } catch (err) {
        log('event handler failed', err);
      }
    });
    next.on('error', (err) => {
      log('event listener lost its connection; reconnecting', err);
      next.end().catch(() => undefined);
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`listen ${EVENTS_CHANNEL}`);
    client = next;
  };
  const scheduleReconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((err) => {
        log('event listener reconnect failed', err);
        scheduleReconnect();
      });
    }, 1000);
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
