import type { PushOutcome } from '../store/store-port';

/**
 * The pushes a worker has sent and not yet seen answered, and the outcomes of those answered since
 * the worker last took them (to record with its next claim). `until` waits for a condition that
 * an answer or `notify` (a wake, a stop) can make true.
 */
export function createPushFlight() {
  let sent = 0;
  let outcomes: PushOutcome[] = [];
  const waiters = new Set<() => void>();

  function notify(): void {
    const waiting = [...waiters];
    waiters.clear();
    for (const resolve of waiting) resolve();
  }

  return {
    /** Pushes in flight. */
    get size(): number {
      return sent;
    },
    started(count: number): void {
      sent += count;
    },
    /** One push answered (or failed on our side); the outcome, if it ended, waits to be recorded. */
    ended(ended: PushOutcome[]): void {
      sent -= 1;
      outcomes.push(...ended);
      notify();
    },
    take(): PushOutcome[] {
      const taken = outcomes;
      outcomes = [];
      return taken;
    },
    /** Outcomes a failed write did not record: they go with the next. */
    putBack(unrecorded: PushOutcome[]): void {
      outcomes = unrecorded.concat(outcomes);
    },
    notify,
    async until(condition: () => boolean): Promise<void> {
      while (!condition()) await new Promise<void>((resolve) => waiters.add(resolve));
    },
  };
}
