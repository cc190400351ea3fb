/**
 * Runs tasks one at a time per key, in arrival order, within this process: the writes to one
 * pass, the webhooks of one order (Shopify sends orders/create and orders/paid within
 * milliseconds; handled in parallel they would both find no pass and make two).
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
