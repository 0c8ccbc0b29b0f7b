import type { Message, MessageStatus } from '../graphql/fragments';

// Statuses only move forward, as the server moves them (connector/receipts.ts): a DELIVERED or READ receipt is
// proof the message arrived, even after a FAILED one; UNCERTAIN (it may have reached the wire, nobody can know) is final.
// An AI draft comes before everything (approved it becomes PENDING); a rejected draft is final.
const STATUS_RANK: Record<MessageStatus, number> = { DRAFT: -1, PENDING: 0, SENDING: 1, SENT: 2, FAILED: 3, DELIVERED: 4, READ: 5, UNCERTAIN: 5, REJECTED: 5 };

/** A message that did not certainly reach the customer, which an agent may send again (as a new message). */
export function canResend(message: Pick<Message, 'direction' | 'status'>): boolean {
  return message.direction === 'OUTBOUND' && (message.status === 'FAILED' || message.status === 'UNCERTAIN');
}

/**
 * Inserts or replaces a message by id, keeping the list oldest first. The copies come from
 * separate streams (a mutation's answer, messageAdded, messageUpdated) in any order, so a copy
 * with an earlier status never moves a known one back.
 */
export function upsertMessage(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.id === message.id);
  if (index !== -1) {
    const next = list.slice();
    next[index] = newerCopy(list[index], message);
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
    byId.set(m.id, f ? newerCopy(m, f) : m);
  }
  return [...byId.values()].sort(byCreatedAt);
}

/** `incoming` over `known`, except that a status (with its reason and attempts) only moves forward. */
function newerCopy(known: Message, incoming: Message): Message {
  if (STATUS_RANK[incoming.status] >= STATUS_RANK[known.status]) return { ...known, ...incoming };
  return {
    ...known, ...incoming,
    status: known.status, failureReason: known.failureReason, failureCode: known.failureCode, sendAttempts: Math.max(known.sendAttempts, incoming.sendAttempts),
  };
}

function byCreatedAt(a: Message, b: Message): number {
  return new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime();
}
