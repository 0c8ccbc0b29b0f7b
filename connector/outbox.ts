/**
 * The outboxes, swept at start and then on a timer:
 * - ingress: inbound rows persisted but never signalled (the process died between the commit and
 *   the signal) are signalled again, oldest first; `skip locked` lets several connectors sweep side by side;
 * - commands: agent commands recorded by the API but not applied by their workflow (the API died,
 *   or Temporal was unreachable) are delivered again until the workflow's activity marks them applied.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IngressDeps } from './inbound';
import { conversationRef, deliverCommand, signalInbound, type PendingInbound } from '../workflows/conversation.client';
import { ConversationCommand } from '../schema/entities/conversation-command.entity';
import { Conversation } from '../schema/entities/conversation.entity';

const BATCH = 200;

export async function sweepOutbox(deps: IngressDeps, graceMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const swept = await deps.orm.em.fork().transactional(async (tx) => {
      const em = tx as EntityManager;
      const rows = await em.execute<PendingInbound[]>(
        `select m.id as message_id, m.external_id, m.text, m.type, m.media is not null as has_media, case when m.type in ('BUTTON_REPLY', 'LIST_REPLY') then m.details->>'id' end as reply_id, m.workspace_id, m.channel_id, m.conversation_id,
                ct.contact_key, c.workflow_id, ct.blocked, w.settings_version::text as settings_version
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

/**
 * Delivers the commands older than `graceMs` that no workflow applied yet, oldest first, each with
 * its own id as the update id. No row lock is held across a delivery: the workflow's activity
 * marks the row applied while the update runs, and a command two sweepers deliver is applied once.
 * Returns how many were delivered.
 */
export async function sweepCommands(deps: IngressDeps, graceMs: number): Promise<number> {
  const em = deps.orm.em.fork();
  const commands = await em.find(
    ConversationCommand,
    { appliedAt: null, createdAt: { $lt: new Date(Date.now() - graceMs) } },
    { orderBy: { createdAt: 'asc' }, limit: BATCH },
  );
  if (commands.length === 0) return 0;
  const conversations = new Map(
    (await em.find(Conversation, { id: { $in: [...new Set(commands.map((c) => c.conversationId))] } }, { populate: ['contact'], strategy: 'joined' })).map((c) => [c.id, c]),
  );
  let delivered = 0;
  // In order, one at a time: a conversation's commands take effect in the order they were given.
  for (const command of commands) {
    const conversation = conversations.get(command.conversationId);
    if (!conversation) continue;
    try {
      await deliverCommand(deps, conversationRef(conversation), command);
      delivered++;
    } catch (err) {
      deps.log(`command outbox: could not deliver ${command.kind} ${command.id}; trying again on the next sweep`, err);
    }
  }
  return delivered;
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
      .then(() => sweepCommands(deps, opts.graceMs))
      .then((n) => void (n && opts.log(`outbox: delivered ${n} agent command(s) left undelivered`)))
      .catch((err) => opts.log('command outbox sweep failed', err))
      .then(() => void (!stopped && (timer = setTimeout(tick, opts.intervalMs))));
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
