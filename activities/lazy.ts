/**
 * An object whose implementation is built by the first call of one of its methods: for adapters
 * whose library costs memory a process that never uses them should not pay (the AWS SDK, LanceDB).
 * A failed build is tried again by the next call.
 */
export function lazily<T extends object>(load: () => Promise<T>, methods: ReadonlyArray<keyof T>): T {
  let built: Promise<T> | null = null;
  const instance = () => (built ??= load().catch((err) => {
    built = null;
    throw err;
  }));
  const proxy = {} as Record<keyof T, unknown>;
  for (const method of methods) {
    proxy[method] = async (...args: unknown[]) => {
      const target = await instance();
      return (target[method] as (...a: unknown[]) => unknown).apply(target, args);
    };
  }
  return proxy as T;
}
