export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

export type RateLimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** One bucket per API key: in process memory, or in Redis when several processes share the limit. */
export interface RateLimiter {
  take(id: string): RateLimitDecision | Promise<RateLimitDecision>;
  close?(): Promise<void>;
}

/**
 * A token bucket per API key, in process memory: each request takes one token; tokens refill at
 * `perSecond` up to `burst`. Returns the seconds to wait when the bucket is empty.
 */
export function createRateLimiter(limit: RateLimit, now: () => number = () => performance.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();

  function refill(id: string): { tokens: number; at: number } {
    const t = now();
    const bucket = buckets.get(id) ?? { tokens: limit.burst, at: t };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);
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
  };
}

