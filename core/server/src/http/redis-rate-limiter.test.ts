import { randomUUID } from 'node:crypto';
import { createRedisRateLimiter, createRedisRateLimiters } from './redis-rate-limiter';

const REDIS_URL = process.env.PASSMINT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the Redis rate limiter: one bucket per key for every process (needs Redis)', () => {
  // A token every 1,000 s: however slowly the takes run, the burst is all there is.
  const scarce = { perSecond: 0.001, burst: 5 };
  const limiters = [createRedisRateLimiter(scarce, REDIS_URL), createRedisRateLimiter(scarce, REDIS_URL)];
  const refilled = [
    createRedisRateLimiter({ perSecond: 2, burst: 5 }, REDIS_URL),
    createRedisRateLimiter({ perSecond: 2, burst: 5 }, REDIS_URL),
  ];
  afterAll(async () => {
    for (const limiter of [...limiters, ...refilled]) await limiter.close();
  });

  test('two limiters (two connections, as two processes) spending one key at once allow exactly the burst', async () => {
    const key = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, index) => limiters[index % 2]!.take(key)));
    expect(decisions.filter((decision) => decision.ok)).toHaveLength(5);
    // The next token is about 1,000 s away.
    const refused = decisions.find((decision) => !decision.ok);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(900);
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(1000);
    expect((await limiters[0]!.take(randomUUID())).ok).toBe(true);
  });

  test('tokens come back at the configured rate, and no faster', async () => {
    const key = randomUUID();
    const started = performance.now();
    for (let i = 0; i < 5; i++) expect((await refilled[i % 2]!.take(key)).ok).toBe(true);
    expect((await refilled[0]!.take(key)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    let taken = 0;
    while ((await refilled[taken % 2]!.take(key)).ok) taken++;
    // At least the one token 600 ms earn at 2/s; at most what the whole run could have earned.
    const earnable = ((performance.now() - started) / 1000) * 2;
    expect(taken).toBeGreaterThanOrEqual(1);
    expect(taken).toBeLessThanOrEqual(Math.ceil(earnable));
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
