export interface BenchConfig {
  /** Rounds of the interleaved sides: in each, every side of a process runs one slice. */
  slices: number;
  /** Passes (or signatures) per slice on one thread: a few milliseconds, so a noisy second hits both sides. */
  slicePasses: number;
  /** Passes per slice on the thread pool, where a slice must be long enough to fill the pool. */
  poolSlicePasses: number;
  passmintWarmUp: number;
  rsaWarmUp: number;
  peerCount: number;
  peerWarmUp: number;
  /** Passes in flight on the thread-pool sides: enough that the pool never waits for the main thread. */
  concurrency: number;
  /** Passes per kind timed stage by stage for the breakdown. */
  stagePasses: number;
}

export function benchConfig(): BenchConfig {
  return {
    slices: countFromEnv('BENCH_SLICES', 200),
    slicePasses: countFromEnv('BENCH_SLICE_PASSES', 25),
    poolSlicePasses: countFromEnv('BENCH_POOL_SLICE_PASSES', 100),
    // Untimed passes before the clock starts: the event ticket's longer path is still being
    // optimised by V8 after a few hundred passes, and a short warm-up times the compiler.
    passmintWarmUp: countFromEnv('BENCH_PASSMINT_WARMUP', 2500),
    rsaWarmUp: 300,
    peerCount: countFromEnv('BENCH_PEER_COUNT', 200),
    peerWarmUp: 5,
    concurrency: 16,
    stagePasses: countFromEnv('BENCH_STAGE_PASSES', 2000),
  };
}

/** A positive integer from the environment, or the fallback when the variable is unset or empty. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return count;
}
