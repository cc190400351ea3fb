import { randomUUID } from 'node:crypto';
import { createRedisRateLimiter, createRedisRateLimiters } from './redis-rate-limiter';

const REDIS_URL = process.env.PASSMINT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the Redis rate limiter: one bucket per key for every process (needs Redis)', () => {
  const limiters = [createRedisRateLimiter({ perSecond: 2, burst: 5 }, REDIS_URL), createRedisRateLimiter({ perSecond: 2, burst: 5 }, REDIS_URL)];
  afterAll(async () => {
    for (const limiter of limiters) await limiter.close();
  });

  test('two limiters (two connections, as two processes) spending one key at once allow exactly the burst', async () => {
    const key = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, index) => limiters[index % 2]!.take(key)));
    expect(decisions.filter((decision) => decision.ok)).toHaveLength(5);
    const refused = decisions.find((decision) => !decision.ok);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect((await limiters[0]!.take(randomUUID())).ok).toBe(true);
  });

  test('tokens come back at the configured rate', async () => {
    const key = randomUUID();
    for (let i = 0; i < 5; i++) expect((await limiters[i % 2]!.take(key)).ok).toBe(true);
    expect((await limiters[0]!.take(key)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await limiters[1]!.take(key)).ok).toBe(true);
    expect((await limiters[0]!.take(key)).ok).toBe(false);
  });
});

test('limiters sharing one connection keep their buckets apart by prefix (needs Redis)', async () => {
  const limiters = createRedisRateLimiters(REDIS_URL);
  try {
    const id = randomUUID();
    const first = limiters.limiter({ perSecond: 1, burst: 1 }, 'passmint:test-a:');
    const second = limiters.limiter({ perSecond: 1, burst: 1 }, 'passmint:test-b:');
    expect((await first.take(id)).ok).toBe(true);
    expect((await first.take(id)).ok).toBe(false);
    expect((await second.take(id)).ok).toBe(true);
  } finally {
    await limiters.close();
  }
});
