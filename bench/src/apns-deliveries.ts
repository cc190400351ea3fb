import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeApns } from '@passmint/e2e';

export interface Deliveries {
  /** Distinct push tokens the fakes accepted a push for. */
  distinctTokens: number;
  /** Accepted pushes beyond the first for a token. */
  duplicates: number;
  /** Distinct tokens accepted that no device registered (with `expected` only). */
  unexpected: number;
  /** Registered tokens that got no push (with `expected` only). */
  missing: number;
  /** When the fakes had accepted a push for the `n`-th distinct token (epoch ms); absent on timeout. */
  completedAt?: number;
  /** Accepted pushes by fake, i.e. by the process that was pointed at it. */
  byFake: number[];
}

export interface DeliveryWait {
  /** Distinct tokens to wait for. */
  n: number;
  timeoutMs: number;
  /** The registered tokens: each must get exactly one push. */
  expected?: Set<string>;
  /** Runs once all `n` are in (or on timeout), before the linger. */
  onDone?: () => Promise<void>;
  /** Then this long more, so that a late duplicate is still counted. */
  lingerMs?: number;
}

/** Waits until the fakes together have accepted pushes for `n` distinct tokens, then a moment more. */
export async function waitForDistinctTokens(fakes: FakeApns[], wait: DeliveryWait): Promise<Deliveries> {
  const tokens = new Set<string>();
  const seen = fakes.map(() => 0);
  let latestAt = 0;
  const scan = () => {
    fakes.forEach((fake, index) => {
      for (let i = seen[index] ?? 0; i < fake.pushes.length; i++) {
        const push = fake.pushes[i];
        if (push === undefined) continue;
        tokens.add(push.token);
        latestAt = Math.max(latestAt, push.at);
      }
      seen[index] = fake.pushes.length;
    });
  };
  const deadline = Date.now() + wait.timeoutMs;
  scan();
  while (tokens.size < wait.n && Date.now() < deadline) {
    await sleep(20);
    scan();
  }
  const completedAt = tokens.size >= wait.n ? latestAt : undefined;
  await wait.onDone?.();
  await sleep(wait.lingerMs ?? 1000);
  scan();
  const byFake = fakes.map((fake) => fake.pushes.length);
  const total = byFake.reduce((sum, count) => sum + count, 0);
  const unexpected = wait.expected === undefined ? 0 : [...tokens].filter((token) => !wait.expected?.has(token)).length;
  const missing = wait.expected === undefined ? 0 : wait.expected.size - (tokens.size - unexpected);
  return {
    distinctTokens: tokens.size,
    duplicates: total - tokens.size,
    unexpected,
    missing,
    byFake,
    ...(completedAt === undefined ? {} : { completedAt }),
  };
}
