import type { Message } from '../graphql/fragments';
import { canResend, mergeMessages, upsertMessage } from './messages';

function message(id: string, at: string, overrides: Partial<Message> = {}): Message {
  return {
    id, conversationId: 'c1', direction: 'OUTBOUND', senderType: 'BOT', type: 'TEXT', text: id, status: 'SENT', failureReason: null, failureCode: null,
    sendAttempts: 1, createdAt: `2026-11-30T10:00:${at}Z`, deliveredAt: null, readAt: null, media: null, details: null, forwarded: false,
    replyToExternalId: null, replyTo: null, reactions: [], ai: null, ...overrides,
  };
}

test('upsertMessage inserts a new message in time order and replaces a known one in place', () => {
  const list = [message('a', '01'), message('c', '03')];
  expect(upsertMessage(list, message('b', '02')).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  const updated = upsertMessage(list, message('a', '01', { status: 'READ' }));
  expect(updated.map((m) => `${m.id}:${m.status}`)).toEqual(['a:READ', 'c:SENT']);
  expect(list[0].status).toBe('SENT');
});

test('a stale copy arriving after a newer one (a mutation answer after its messageUpdated) does not move the status back', () => {
  const list = [message('copy', '01', { status: 'UNCERTAIN', failureReason: 'socket hang up', sendAttempts: 1 })];
  const stale = upsertMessage(list, message('copy', '01', { status: 'PENDING', sendAttempts: 0 }));
  expect(stale.map((m) => [m.status, m.failureReason, m.sendAttempts])).toEqual([['UNCERTAIN', 'socket hang up', 1]]);
  expect(upsertMessage(stale, message('copy', '01', { status: 'UNCERTAIN', failureReason: 'socket hang up' }))[0].status).toBe('UNCERTAIN');
});

test('a fetch adds what arrived meanwhile but never moves a status back', () => {
  const live = [message('a', '01', { status: 'READ' }), message('live-only', '05')];
  const fetched = [message('a', '01', { status: 'SENT' }), message('b', '02', { status: 'PENDING' })];
  expect(mergeMessages(live, fetched).map((m) => `${m.id}:${m.status}`)).toEqual(['a:READ', 'b:PENDING', 'live-only:SENT']);
});

test('a fetch moves a status forward, and a failure keeps its reason', () => {
  const live = [message('a', '01', { status: 'PENDING' }), message('b', '02', { status: 'FAILED', failureReason: 'number not on WhatsApp' })];
  const fetched = [message('a', '01', { status: 'DELIVERED' }), message('b', '02', { status: 'SENT' })];
  expect(mergeMessages(live, fetched).map((m) => [m.id, m.status, m.failureReason])).toEqual([
    ['a', 'DELIVERED', null],
    ['b', 'FAILED', 'number not on WhatsApp'],
  ]);
});

test('SENDING is past PENDING, and an UNCERTAIN send stays uncertain whatever a stale fetch says', () => {
  const live = [message('a', '01', { status: 'SENDING' }), message('b', '02', { status: 'UNCERTAIN', failureReason: 'socket hang up' })];
  const fetched = [message('a', '01', { status: 'PENDING' }), message('b', '02', { status: 'SENDING' })];
  expect(mergeMessages(live, fetched).map((m) => [m.id, m.status, m.failureReason])).toEqual([
    ['a', 'SENDING', null],
    ['b', 'UNCERTAIN', 'socket hang up'],
  ]);
});

test.each([
  ['OUTBOUND', 'FAILED', true],
  ['OUTBOUND', 'UNCERTAIN', true],
  ['OUTBOUND', 'SENDING', false],
  ['OUTBOUND', 'SENT', false],
  ['INBOUND', 'FAILED', false],
] as const)('a %s %s message can be resent: %s', (direction, status, expected) => {
  expect(canResend({ direction, status })).toBe(expected);
});

test('a DELIVERED receipt after a FAILED one wins (it arrived); a stale SENT copy does not undo FAILED', () => {
  const failed = [message('r', '01', { status: 'FAILED', failureReason: 'Message undeliverable', failureCode: '131026' })];
  expect(upsertMessage(failed, message('r', '01', { status: 'SENT' }))[0]).toMatchObject({ status: 'FAILED', failureCode: '131026' });
  expect(upsertMessage(failed, message('r', '01', { status: 'DELIVERED' }))[0].status).toBe('DELIVERED');
});
