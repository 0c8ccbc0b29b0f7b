/**
 * A channel's send rate, enforced in the process that holds its session (the lease makes it the
 * only sender). WhatsApp Web numbers that send too much too soon get banned, so a number sends
 * at most `ratePerMinute` messages a minute (default WHATSAPP_WEB_RATE_PER_MINUTE) and less in
 * its first week (WARM_UP_RAMP, counted from when the channel was added). A send over the limit
 * waits its turn in the limiter's queue; when the queue already holds a minute of sends, it is
 * refused with NotAcceptedError and Temporal's retry backs off.
 *
 * Broadcasts share this one budget with the inbox, but a conversation's reply never waits behind
 * them: a broadcast send gets a turn only when no inbox send is waiting, and broadcast sends
 * waiting never fill the inbox's queue.
 */
import { NotAcceptedError, type SendPriority } from './port';

/** Messages per minute for a WhatsApp Web number past its warm-up. */
export const WHATSAPP_WEB_RATE_PER_MINUTE = 20;

/** A new number's ceiling, by days since it was added: ~5/min on day one, the full rate after a week. */
export const WARM_UP_RAMP: readonly { untilDay: number; perMinute: number }[] = [
  { untilDay: 1, perMinute: 5 },
  { untilDay: 3, perMinute: 10 },
  { untilDay: 7, perMinute: 15 },
];

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

/** The sends per minute a channel may make now. */
export function sendsPerMinute(configured: number | undefined, addedAt: Date, now = new Date()): number {
  const rate = configured ?? WHATSAPP_WEB_RATE_PER_MINUTE;
  const days = (now.getTime() - addedAt.getTime()) / DAY_MS;
  const ramp = WARM_UP_RAMP.find((step) => days < step.untilDay);
  return Math.max(1, ramp ? Math.min(rate, ramp.perMinute) : rate);
}

/** Waits for the channel's turn to send; NotAcceptedError when a minute of sends is already queued. */
export interface SendRate {
  /** `priority` defaults to 'inbox'; a 'broadcast' take goes only when no inbox take waits. */
  take(priority?: SendPriority): Promise<void>;
}

interface Waiter {
  resolve(): void;
}

/**
 * `configured` is read at each turn, so a changed setting applies to the next send. `windowMs`
 * is the budget's window (a minute; shorter only in tests, so they need not wait a minute).
 *
 * A fixed window counted here rather than rate-limiter-flexible's RateLimiterQueue: that queue
 * is first come first served, and picking the next waiter by priority must happen in the same
 * synchronous step that spends the token, or a broadcast take could slip in ahead of an inbox one.
 */
export function createSendRate(configured: () => number | undefined, addedAt: Date, { windowMs = MINUTE_MS }: { windowMs?: number } = {}): SendRate {
  const waiting: Record<SendPriority, Waiter[]> = { inbox: [], broadcast: [] };
  let windowStart = 0;
  let used = 0;
  let timer: NodeJS.Timeout | undefined;

  /** Spends a token if the window has one; else the ms until the next window opens. */
  const spend = (perMinute: number): number => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      used = 0;
    }
    if (used < perMinute) {
      used++;
      return 0;
    }
    return windowStart + windowMs - now;
  };

  /** Hands out tokens to the waiters, inbox first, until the window runs dry; then waits for the next one. */
  const drain = () => {
    timer = undefined;
    const perMinute = sendsPerMinute(configured(), addedAt);
    for (;;) {
      const queue = waiting.inbox.length ? waiting.inbox : waiting.broadcast;
      if (!queue.length) return;
      const wait = spend(perMinute);
      if (wait > 0) {
        timer = setTimeout(drain, wait);
        return;
      }
      queue.shift()!.resolve();
    }
  };

  return {
    take(priority = 'inbox') {
      const perMinute = sendsPerMinute(configured(), addedAt);
      // The sends ahead of this one: an inbox send is behind inbox sends only.
      const queued = priority === 'inbox' ? waiting.inbox.length : waiting.inbox.length + waiting.broadcast.length;
      if (queued === 0 && spend(perMinute) === 0) return Promise.resolve();
      if (queued >= perMinute) {
        return Promise.reject(new NotAcceptedError(`rate limited: this number sends at most ${perMinute} message${perMinute === 1 ? '' : 's'} a minute; nothing was sent`));
      }
      return new Promise<void>((resolve) => {
        waiting[priority].push({ resolve });
        timer ??= setTimeout(drain, Math.max(0, windowStart + windowMs - Date.now()));
      });
    },
  };
}
