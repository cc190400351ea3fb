/** A sleep that `wake()` cuts short: a worker's poll interval, ended early when there is work. */
export function createWakeableSleep() {
  let wakeUp: (() => void) | undefined;
  return {
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    wake(): void {
      wakeUp?.();
    },
  };
}
