/**
 * The ingress outbox: inbound rows persisted but never signalled (the process died between the
 * commit and the signal) are signalled again, oldest first, at start and then on a timer.
 * `skip locked` lets several connector processes sweep side by side.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IngressDeps, PendingInbound } from './inbound';
import { signalInbound } from './signal';

const BATCH = 200;

export async function sweepOutbox(deps: IngressDeps, graceMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const swept = await deps.orm.em.fork().transactional(async (tx) => {
      const em = tx as EntityManager;
      const rows = await em.execute<PendingInbound[]>(
        `select m.id as message_id, m.external_id, m.text, m.workspace_id, m.channel_id, m.conversation_id,
                ct.contact_key, ct.blocked, w.settings_version::text as settings_version
         from messages m
         join conversations c on c.id = m.conversation_id
         join contacts ct on ct.id = c.contact_id
         join workspaces w on w.id = m.workspace_id
         where m.direction = 'INBOUND' and m.signaled_at is null and m.created_at < now() - make_interval(secs => ?)
         order by m.created_at
         limit ${BATCH}
         for update of m skip locked`,
        [graceMs / 1000],
      );
      for (const row of rows) await signalInbound(deps, row);
      if (rows.length) await em.execute('update messages set signaled_at = now() where id = any(?::uuid[])', [`{${rows.map((r) => r.message_id).join(',')}}`]);
      return rows.length;
    });
    total += swept;
    if (swept < BATCH) return total;
  }
}

/** Sweeps now, then `intervalMs` after each sweep ends (never two at once); returns a stop function. */
export function startOutboxSweeper(deps: IngressDeps, opts: { intervalMs: number; graceMs: number; log: (msg: string, err?: unknown) => void }): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sweepOutbox(deps, opts.graceMs)
      .then((n) => void (n && opts.log(`outbox: signalled ${n} inbound message(s) left unsignalled`)))
      .catch((err) => opts.log('outbox sweep failed', err))
      .then(() => void (!stopped && (timer = setTimeout(tick, opts.intervalMs))));
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
