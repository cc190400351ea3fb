import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeApns } from '@passmint/e2e';

export interface Deliveries {
  /** Distinct push tokens the fakes accepted a push for. */
  distinctTokens: number;
  /** Accepted pushes beyond the first for a token. */
  duplicates: number;
  /** When the fakes had accepted a push for the `n`-th distinct token (epoch ms); absent on timeout. */
  completedAt?: number;
  /** Accepted pushes by fake, i.e. by the process that was pointed at it. */
  byFake: number[];
}

/**
 * Waits until the fakes together have accepted pushes for `n` distinct tokens, then a moment
 * more so that a late duplicate would still be counted.
 */
export async function waitForDistinctTokens(fakes: FakeApns[], n: number, timeoutMs: number, lingerMs = 1000): Promise<Deliveries> {
  const tokens = new Set<string>();
  const seen = fakes.map(() => 0);
  let latestAt = 0;
  const scan = () => {
    fakes.forEach((fake, index) => {
      for (const push of fake.pushes.slice(seen[index])) {
        tokens.add(push.token);
        latestAt = Math.max(latestAt, push.at);
      }
      seen[index] = fake.pushes.length;
    });
  };
  const deadline = Date.now() + timeoutMs;
  scan();
  while (tokens.size < n && Date.now() < deadline) {
    await sleep(20);
    scan();
  }
  const completedAt = tokens.size >= n ? latestAt : undefined;
  await sleep(lingerMs);
  scan();
  const byFake = fakes.map((fake) => fake.pushes.length);
  const total = byFake.reduce((sum, count) => sum + count, 0);
  return { distinctTokens: tokens.size, duplicates: total - tokens.size, byFake, ...(completedAt === undefined ? {} : { completedAt }) };
}
