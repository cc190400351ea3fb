/**
 * Polls `look` until it reports done, and fails only when what it reports stopped changing for
 * `stallMs`: a deadline on progress rather than on total time, so a slow machine is not a
 * failure but a stuck system is, and the error shows where it stuck.
 */
export async function untilDone<T>(
  look: () => Promise<{ done: boolean; state: T }>,
  options: { what: string; stallMs: number; intervalMs?: number },
): Promise<T> {
  let last = '';
  let changedAt = Date.now();
  for (;;) {
    const { done, state } = await look();
    if (done) return state;
    const seen = JSON.stringify(state);
    if (seen !== last) {
      last = seen;
      changedAt = Date.now();
    } else if (Date.now() - changedAt > options.stallMs) {
      throw new Error(`${options.what}: no progress for ${options.stallMs} ms, stuck at ${seen}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls a condition every 5 ms until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
