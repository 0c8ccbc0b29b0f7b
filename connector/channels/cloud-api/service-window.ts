/**
 * The Cloud API's 24-hour customer-service window, per conversation: free-form messages may be
 * sent for 24 hours after the customer's last message; outside it only a template may start the
 * conversation again. Tracked from the conversation's last inbound row, so no extra column
 * has to be kept in step by the ingress.
 */
import type { OutboundContent } from '../port';
import { execute, type Orm } from '../../../schema/orm';

/** How long after the customer's last message free-form sends are allowed. */
export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;

/** The reason a free-form send outside the window fails with (FAILED, shown in the inbox). */
export const OUTSIDE_WINDOW_REASON = 'outside the 24-hour window: send a template';

/** When the window closes (or closed); null when the customer never wrote. */
export function windowExpiresAt(lastInboundAt: Date | null): Date | null {
  return lastInboundAt ? new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS) : null;
}

/** True when this content may be sent now: a template always, anything else only inside the window. */
export function windowAllows(content: OutboundContent | undefined, lastInboundAt: Date | null, now: Date): boolean {
  if (content?.kind === 'template') return true;
  const expires = windowExpiresAt(lastInboundAt);
  return expires !== null && now < expires;
}

/** The time of the conversation's last inbound message (the messages_thread index, read backwards). */
export async function lastInboundAt(orm: Orm, conversationId: string): Promise<Date | null> {
  const [row] = await execute<{ at: Date | null }[]>(
    orm,
    `select created_at as at from messages where conversation_id = ? and direction = 'INBOUND' order by created_at desc limit 1`,
    [conversationId],
  );
  return row?.at ? new Date(row.at) : null;
}
