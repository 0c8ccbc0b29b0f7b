/**
 * Load shapes, independent of what is measured: a closed loop (a fixed number of requests in
 * flight) and an open loop (a timer offers requests at a fixed rate, whether or not earlier
 * ones finished). Every loop is bounded in count and in time.
 */

export interface SendRecord {
  /** The message's index in the phase. */
  i: number;
  /** What the effect is matched by (an inbound message id, a baseline message key). */
  key: string | null;
  /** Date.now() right before the request. */
  sentAtMs: number;
  /** Date.now() when the request returned (ingress acknowledged). */
  ackAtMs: number;
  error?: string;
}

export type Send = (i: number) => Promise<string>;

async function one(i: number, send: Send): Promise<SendRecord> {
  const sentAtMs = Date.now();
  try {
    const key = await send(i);
    return { i, key, sentAtMs, ackAtMs: Date.now() };
  } catch (err) {
    return { i, key: null, sentAtMs, ackAtMs: Date.now(), error: (err as Error).message?.slice(0, 300) ?? String(err) };
  }
}

/** `concurrency` requests in flight until `n` were sent or `maxMs` passed. */
export async function closedLoop(opts: { n: number; concurrency: number; maxMs: number; send: Send }): Promise<SendRecord[]> {
  const records: SendRecord[] = [];
  const deadline = Date.now() + opts.maxMs;
  let next = 0;
  const lane = async () => {
    while (next < opts.n && Date.now() < deadline) {
      const i = next++;
      records.push(await one(i, opts.send));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.n) }, lane));
  return records.sort((a, b) => a.i - b.i);
}

/**
 * `ratePerSec` requests a second for `n` requests: request i is due at start + i / rate and is
 * sent then, regardless of how many are still in flight (at most `maxInFlight`, a safety bound).
 * Waits up to `drainMs` for the last requests to return.
 */
export async function openLoop(opts: { n: number; ratePerSec: number; send: Send; maxInFlight?: number; drainMs?: number }): Promise<{ records: SendRecord[]; maxLagMs: number; skipped: number }> {
  const records: SendRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = opts.maxInFlight ?? 2000;
  const start = Date.now();
  let maxLagMs = 0;
  let skipped = 0;
  for (let i = 0; i < opts.n; i++) {
    const due = start + (i * 1000) / opts.ratePerSec;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    maxLagMs = Math.max(maxLagMs, Date.now() - due);
    if (inFlight.size >= maxInFlight) {
      skipped++;
      continue;
    }
    const p: Promise<void> = one(i, opts.send).then((r) => {
      records.push(r);
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  const drained = Promise.all([...inFlight]);
  await Promise.race([drained, new Promise((r) => setTimeout(r, opts.drainMs ?? 60_000))]);
  return { records: records.sort((a, b) => a.i - b.i), maxLagMs, skipped };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1)),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until probe() is true or timeoutMs passed; returns whether it became true. */
export async function pollUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(everyMs);
  }
  return probe();
}
