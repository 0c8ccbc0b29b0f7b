import { createSendRate, sendsPerMinute, WHATSAPP_WEB_RATE_PER_MINUTE } from './send-rate';
import { NotAcceptedError } from './port';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-12-02T12:00:00Z');
const addedDaysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const refusal = (perMinute: number) => new NotAcceptedError(`rate limited: this number sends at most ${perMinute} message${perMinute === 1 ? '' : 's'} a minute; nothing was sent`);

test('a new number warms up over its first week, then sends at its configured rate', () => {
  expect(sendsPerMinute(undefined, addedDaysAgo(0.5), now)).toBe(5);
  expect(sendsPerMinute(undefined, addedDaysAgo(2), now)).toBe(10);
  expect(sendsPerMinute(undefined, addedDaysAgo(5), now)).toBe(15);
  expect(sendsPerMinute(undefined, addedDaysAgo(8), now)).toBe(WHATSAPP_WEB_RATE_PER_MINUTE);
  expect(sendsPerMinute(40, addedDaysAgo(30), now)).toBe(40);
});

test('a configured rate under the ramp wins', () => {
  expect(sendsPerMinute(3, addedDaysAgo(0), now)).toBe(3);
});

test('a send over the limit waits its turn; one more than a minute of waiting sends is refused as not accepted', async () => {
  const rate = createSendRate(() => 1, addedDaysAgo(30));
  await rate.take();
  let secondDone = false;
  const second = rate.take().then(() => (secondDone = true));
  await expect(rate.take()).rejects.toThrow(refusal(1));
  expect(secondDone).toBe(false);
  void second;
});

test('an inbox send waiting goes before every broadcast send that queued ahead of it, and broadcasts then go in their order', async () => {
  // Three sends per 150 ms window: the first window is spent here, the next hands out its turns inbox first.
  const rate = createSendRate(() => 3, addedDaysAgo(30), { windowMs: 150 });
  for (let i = 0; i < 3; i++) await rate.take('broadcast');
  const order: string[] = [];
  const take = (name: string, priority: 'inbox' | 'broadcast') => rate.take(priority).then(() => void order.push(name));
  const broadcasts = [take('broadcast 1', 'broadcast'), take('broadcast 2', 'broadcast')];
  const inbox = take('inbox', 'inbox');
  await Promise.all([...broadcasts, inbox]);
  expect(order).toEqual(['inbox', 'broadcast 1', 'broadcast 2']);
});

test('with a budget of one send per window (a minute in production), an inbox take resolves before the broadcast takes queued before it', async () => {
  const rate = createSendRate(() => 1, addedDaysAgo(30), { windowMs: 200 });
  await rate.take('broadcast');
  const order: string[] = [];
  const queuedBroadcast = rate.take('broadcast').then(() => order.push('broadcast'));
  const inbox = rate.take('inbox').then(() => order.push('inbox'));
  await inbox;
  // The barrier: the inbox take resolved, and the broadcast queued before it had not.
  expect(order).toEqual(['inbox']);
  await queuedBroadcast;
  expect(order).toEqual(['inbox', 'broadcast']);
});

test('broadcast sends waiting never fill the queue for the inbox; a broadcast is refused once a minute of sends waits', async () => {
  const rate = createSendRate(() => 2, addedDaysAgo(30), { windowMs: 100 });
  await rate.take('broadcast');
  await rate.take('broadcast');
  const waiting = [rate.take('broadcast'), rate.take('broadcast')];
  await expect(rate.take('broadcast')).rejects.toThrow(refusal(2));
  // The inbox still queues (two of its own may wait); a third inbox send would be refused.
  waiting.push(rate.take('inbox'), rate.take('inbox'));
  await expect(rate.take('inbox')).rejects.toThrow(refusal(2));
  // And inbox sends waiting count against the broadcasts' room.
  await expect(rate.take('broadcast')).rejects.toThrow(refusal(2));
  await Promise.all(waiting);
});
