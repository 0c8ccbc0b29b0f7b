import { createSendRate, sendsPerMinute, WHATSAPP_WEB_RATE_PER_MINUTE } from './send-rate';
import { NotAcceptedError } from './port';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-12-02T12:00:00Z');
const addedDaysAgo = (days: number) => new Date(now.getTime() - days * DAY);

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
  await expect(rate.take()).rejects.toThrow(new NotAcceptedError('rate limited: this number sends at most 1 message a minute; nothing was sent'));
  expect(secondDone).toBe(false);
  void second;
});
