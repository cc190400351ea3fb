const BASE_MS = 1000;
const MAX_MS = 15 * 60_000;

/**
 * How long to wait before attempt `attempts + 1`: doubling from one second up to fifteen minutes,
 * with "full jitter" in the upper half so a burst of failures does not come back as a burst.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
