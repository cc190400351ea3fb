export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

export type RateLimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** One bucket per id (an API key, an address, a pass): in process memory, or in Redis when several processes share the limit. */
export interface RateLimiter {
  take(id: string): RateLimitDecision | Promise<RateLimitDecision>;
  close?(): Promise<void>;
}

/** Makes limiters that share one backend (one Redis connection), each with its own limit and key prefix. */
export interface RateLimiters {
  limiter(limit: RateLimit, prefix: string): RateLimiter;
  close(): Promise<void>;
}

/** Buckets kept before the first sweep of full ones (ids such as addresses are unbounded). */
const FIRST_SWEEP_AT = 1024;

/**
 * A token bucket per id, in process memory: each request takes one token; tokens refill at
 * `perSecond` up to `burst`. Returns the seconds to wait when the bucket is empty. A bucket that
 * has refilled is the same as none, so those are dropped whenever the map has doubled.
 */
export function createRateLimiter(limit: RateLimit, now: () => number = () => performance.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweepAt = FIRST_SWEEP_AT;

  const tokensAt = (bucket: { tokens: number; at: number }, t: number) =>
    Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);

  function sweep(t: number): void {
    for (const [id, bucket] of buckets) if (tokensAt(bucket, t) >= limit.burst) buckets.delete(id);
    sweepAt = Math.max(FIRST_SWEEP_AT, buckets.size * 2);
  }

  function refill(id: string): { tokens: number; at: number } {
    const t = now();
    if (buckets.size >= sweepAt) sweep(t);
    const bucket = buckets.get(id) ?? { tokens: limit.burst, at: t };
    bucket.tokens = tokensAt(bucket, t);
    bucket.at = t;
    buckets.set(id, bucket);
    return bucket;
  }

  return {
    take(id: string): RateLimitDecision {
      const bucket = refill(id);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
    },
    /** Buckets held in memory (tests of the sweep). */
    size: () => buckets.size,
  };
}

/** In-memory limiters; the prefix only matters for Redis, where every limiter shares one keyspace. */
export function createMemoryRateLimiters(now?: () => number): RateLimiters {
  return {
    limiter: (limit) => createRateLimiter(limit, now),
    close: async () => undefined,
  };
}

/** A limit given as a count per minute: a bucket of that many, refilled evenly over the minute. */
export function perMinute(count: number): RateLimit {
  return { perSecond: count / 60, burst: count };
}
