/**
 * A sleep that `wake()` cuts short: a worker's poll interval, ended early when there is work.
 * Several loops of one worker may sleep at once; `wake()` ends every sleep in progress.
 */
export function createWakeableSleep() {
  const sleepers = new Set<() => void>();
  return {
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.add(done);
      });
    },
    wake(): void {
      for (const done of [...sleepers]) done();
    },
  };
}
