import { log } from '@temporalio/activity';
import type { ChannelAdapter } from '../connector/channels/port';
import { execute, type Orm } from '../schema/orm';

/** The conversation a send just replied in, and the customer it went to. */
export interface MarkReadTarget {
  conversationId: string;
  to: string;
}

/**
 * After a reply went out, tells the channel the customer's messages up to then were read (blue
 * ticks), as a WhatsApp user expects of someone who answers. Every inbound row not yet marked is
 * claimed in one statement, so each is marked at most once, and the newest of them is the one
 * read up to. A failure is logged, never thrown: the reply is sent, and a missed blue tick is not
 * worth a retry that could send it again.
 */
export async function markRead(orm: Orm, adapter: ChannelAdapter, target: MarkReadTarget): Promise<void> {
  if (!adapter.markRead) return;
  try {
    const [newest] = await execute<{ external_id: string }[]>(
      orm,
      `with claimed as (
         update messages set read_marked_at = clock_timestamp()
         where conversation_id = ? and direction = 'INBOUND' and read_marked_at is null
         returning external_id, created_at
       )
       select external_id from claimed where external_id is not null order by created_at desc limit 1`,
      [target.conversationId],
    );
    if (newest) await adapter.markRead({ externalId: newest.external_id, from: target.to });
  } catch (err) {
    log.warn('marking the customer\'s messages read failed', { conversationId: target.conversationId, error: err instanceof Error ? err.message : String(err) });
  }
}
