import { Redis } from 'ioredis';
import type { RateLimit, RateLimitDecision, RateLimiter, RateLimiters } from './rate-limiter';

/**
 * The token bucket in Redis, so every Passmint process behind a load balancer draws from one
 * bucket per key. Refill and take happen in one Lua script: Redis runs it atomically, so two
 * processes cannot both spend the last token. Times come from Redis's clock, not the callers'.
 */
const TAKE_SCRIPT = `
local key = KEYS[1]
local per_second = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (math.max(0, now - at) / 1000) * per_second)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, math.ceil(burst / per_second * 1000) + 1000)
return { allowed, tostring(tokens) }
`;

type Take = (key: string, perSecond: number, burst: number) => Promise<[number, string]>;

/** Limiters on one Redis connection; each limiter's buckets live under its own key prefix. */
export function createRedisRateLimiters(url: string): RateLimiters {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  redis.defineCommand('passmintTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const take = (redis as unknown as { passmintTake: Take }).passmintTake.bind(redis);

  return {
    limiter(limit: RateLimit, prefix: string): RateLimiter {
      return {
        async take(id: string): Promise<RateLimitDecision> {
          const [allowed, tokens] = await take(`${prefix}${id}`, limit.perSecond, limit.burst);
          if (allowed === 1) return { ok: true };
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - Number(tokens)) / limit.perSecond)) };
        },
      };
    },
    async close(): Promise<void> {
      await redis.quit();
    },
  };
}

/** One limiter with its own connection. */
export function createRedisRateLimiter(limit: RateLimit, url: string, prefix = 'passmint:rate:') {
  const limiters = createRedisRateLimiters(url);
  return { ...limiters.limiter(limit, prefix), close: () => limiters.close() };
}
