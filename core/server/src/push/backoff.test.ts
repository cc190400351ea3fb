import { retryDelayMs } from './backoff';

test('doubles from one second, capped at fifteen minutes, jittered within the upper half', () => {
  expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  expect([1, 2, 3].map((attempts) => retryDelayMs(attempts, () => 0))).toEqual([500, 1000, 2000]);
  expect(retryDelayMs(30, () => 1)).toBe(15 * 60_000);
  const samples = Array.from({ length: 200 }, () => retryDelayMs(5));
  expect(Math.min(...samples)).toBeGreaterThanOrEqual(8000);
  expect(Math.max(...samples)).toBeLessThanOrEqual(16000);
  expect(new Set(samples).size).toBeGreaterThan(50);
});
