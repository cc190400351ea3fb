import { createRateLimiter, perMinute } from './rate-limiter';

describe('the in-memory rate limiter', () => {
  test('a bucket of `burst`, then one token per 1/perSecond, with the wait in whole seconds', () => {
    let clock = 0;
    const limiter = createRateLimiter(perMinute(60), () => clock);
    for (let i = 0; i < 60; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    clock += 1000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  test('buckets that refilled are dropped, so a stream of new ids (addresses) does not grow memory without end', () => {
    let clock = 0;
    const limiter = createRateLimiter({ perSecond: 1, burst: 2 }, () => clock);
    limiter.take('drained');
    limiter.take('drained');
    for (let i = 0; i < 100_000; i++) {
      clock += 10; // each id's bucket is full again after 2 s: 200 ids later
      limiter.take(`id-${i}`);
    }
    expect(limiter.size()).toBeLessThan(2048);
    clock = 0; // a drained bucket still being drained is kept
    const drainedAgain = createRateLimiter({ perSecond: 1, burst: 1 }, () => clock);
    drainedAgain.take('x');
    for (let i = 0; i < 5000; i++) drainedAgain.take(`y-${i}`);
    expect(drainedAgain.take('x').ok).toBe(false);
  });
});
