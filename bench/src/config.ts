export interface BenchConfig {
  passmintCount: number;
  peerCount: number;
  rsaCount: number;
  passmintWarmUp: number;
  peerWarmUp: number;
  rsaWarmUp: number;
  /** Passes held in memory at once: each chunk is spooled to disk between timed stretches. */
  chunkSize: number;
  /** Passes in flight on the thread-pool sides: enough that the pool never waits for the main thread. */
  concurrency: number;
  /** Runs of each side (passkit-generator runs once); the median one is reported. */
  rounds: number;
}

export function benchConfig(): BenchConfig {
  return {
    passmintCount: countFromEnv('BENCH_PASSMINT_COUNT', 2000),
    peerCount: countFromEnv('BENCH_PEER_COUNT', 200),
    rsaCount: countFromEnv('BENCH_RSA_COUNT', 2000),
    // Untimed passes before the clock starts: the event ticket's longer path (semantic tags,
    // languages) is still being optimised by V8 after 300 passes (per 500: 880, 548, 529, 465,
    // 452, 441 µs), so a short warm-up timed the compiler rather than the signing.
    passmintWarmUp: countFromEnv('BENCH_PASSMINT_WARMUP', 2500),
    peerWarmUp: 5,
    rsaWarmUp: 300,
    chunkSize: 500,
    concurrency: 16,
    rounds: countFromEnv('BENCH_ROUNDS', 3),
  };
}

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return count;
}
