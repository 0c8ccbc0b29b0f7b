import type { Message, MessageStatus } from '../graphql/fragments';

// Statuses only move forward; FAILED and UNCERTAIN (it may have reached the wire, nobody can know) are final.
const STATUS_RANK: Record<MessageStatus, number> = { PENDING: 0, SENDING: 1, SENT: 2, DELIVERED: 3, READ: 4, FAILED: 5, UNCERTAIN: 5 };

/** A message that did not certainly reach the customer, which an agent may send again (as a new message). */
export function canResend(message: Pick<Message, 'direction' | 'status'>): boolean {
  return message.direction === 'OUTBOUND' && (message.status === 'FAILED' || message.status === 'UNCERTAIN');
}

/** Inserts or replaces a message by id, keeping the list oldest first. */
export function upsertMessage(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.id === message.id);
  if (index !== -1) {
    const next = list.slice();
    next[index] = { ...list[index], ...message };
    return next;
  }
  const next = [...list, message];
  next.sort(byCreatedAt);
  return next;
}

/** Merges a freshly fetched list with what arrived live meanwhile; a fetch never moves a status back. */
export function mergeMessages(current: Message[], fetched: Message[]): Message[] {
  const byId = new Map(fetched.map((m) => [m.id, m]));
  for (const m of current) {
    const f = byId.get(m.id);
    if (!f || STATUS_RANK[m.status] > STATUS_RANK[f.status]) byId.set(m.id, f ? { ...f, status: m.status, failureReason: m.failureReason } : m);
  }
  return [...byId.values()].sort(byCreatedAt);
}

function byCreatedAt(a: Message, b: Message): number {
  return new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime();
}
