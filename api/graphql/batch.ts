/**
 * Batches the look-ups resolvers make in one tick (a thread's quoted messages, its reactions) into
 * one query. Nothing is cached past the tick: a subscription's context lives for hours, and what it
 * pushes must be read fresh.
 */

/** A function that answers every key asked of it within one tick with one call of `load`. */
export function batchPerTick<K, V>(load: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  let pending: { keys: K[]; result: Promise<Map<K, V>> } | null = null;
  return (key) => {
    if (!pending) {
      const batch: { keys: K[]; result: Promise<Map<K, V>> } = { keys: [], result: null as never };
      batch.result = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
        pending = null;
        return load(batch.keys);
      });
      pending = batch;
    }
    pending.keys.push(key);
    return pending.result.then((found) => found.get(key));
  };
}

/** Per request (the GraphQL context object), one instance of each batcher. */
export function perContext<C extends object, T>(make: (ctx: C) => T): (ctx: C) => T {
  const made = new WeakMap<C, T>();
  return (ctx) => {
    let value = made.get(ctx);
    if (value === undefined) made.set(ctx, (value = make(ctx)));
    return value;
  };
}
