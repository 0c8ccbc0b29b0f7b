/**
 * A channel's send rate, enforced in the process that holds its session (the lease makes it the
 * only sender). WhatsApp Web numbers that send too much too soon get banned, so a number sends
 * at most `ratePerMinute` messages a minute (default WHATSAPP_WEB_RATE_PER_MINUTE) and less in
 * its first week (WARM_UP_RAMP, counted from when the channel was added). A send over the limit
 * waits its turn in the limiter's queue; when the queue already holds a minute of sends, it is
 * refused with NotAcceptedError and Temporal's retry backs off.
 */
import { RateLimiterMemory, RateLimiterQueue, RateLimiterQueueError } from 'rate-limiter-flexible';
import { NotAcceptedError } from './port';

/** Messages per minute for a WhatsApp Web number past its warm-up. */
export const WHATSAPP_WEB_RATE_PER_MINUTE = 20;

/** A new number's ceiling, by days since it was added: ~5/min on day one, the full rate after a week. */
export const WARM_UP_RAMP: readonly { untilDay: number; perMinute: number }[] = [
  { untilDay: 1, perMinute: 5 },
  { untilDay: 3, perMinute: 10 },
  { untilDay: 7, perMinute: 15 },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The sends per minute a channel may make now. */
export function sendsPerMinute(configured: number | undefined, addedAt: Date, now = new Date()): number {
  const rate = configured ?? WHATSAPP_WEB_RATE_PER_MINUTE;
  const days = (now.getTime() - addedAt.getTime()) / DAY_MS;
  const ramp = WARM_UP_RAMP.find((step) => days < step.untilDay);
  return Math.max(1, ramp ? Math.min(rate, ramp.perMinute) : rate);
}

/** Waits for the channel's turn to send; NotAcceptedError when a minute of sends is already queued. */
export interface SendRate {
  take(): Promise<void>;
}

/** `configured` is read at each send, so a changed setting applies to the next one. */
export function createSendRate(configured: () => number | undefined, addedAt: Date): SendRate {
  let current: { perMinute: number; queue: RateLimiterQueue } | null = null;
  const queueFor = (perMinute: number) => {
    if (current?.perMinute !== perMinute) {
      current = { perMinute, queue: new RateLimiterQueue(new RateLimiterMemory({ points: perMinute, duration: 60 }), { maxQueueSize: perMinute }) };
    }
    return current.queue;
  };
  return {
    async take() {
      const perMinute = sendsPerMinute(configured(), addedAt);
      try {
        await queueFor(perMinute).removeTokens(1);
      } catch (err) {
        if (err instanceof RateLimiterQueueError) throw new NotAcceptedError(`rate limited: this number sends at most ${perMinute} message${perMinute === 1 ? '' : 's'} a minute; nothing was sent`);
        throw err;
      }
    },
  };
}
