import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from './webhook-retry';

const HOUR = 3_600_000;
const middle = (): number => 0.5;
const lowest = (): number => 0;
const highest = (): number => 1 - Number.EPSILON;

function schedule(random: () => number): number[] {
  const delays: number[] = [];
  for (let attemptsMade = 1; attemptsMade < WEBHOOK_MAX_ATTEMPTS; attemptsMade++) {
    const delay = webhookRetryDelayMs(attemptsMade, random);
    if (delay === null) throw new Error(`gave up after ${attemptsMade} attempts`);
    delays.push(delay);
  }
  return delays;
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

describe('webhookRetryDelayMs', () => {
  it('sends the first attempt at once', () => {
    expect(webhookRetryDelayMs(0, highest)).toBe(0);
  });

  it('retries after 5 s, 30 s, 2 min, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h without jitter', () => {
    expect(schedule(middle)).toEqual([5_000, 30_000, 120_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(10);
  });

  it('gives up after the last attempt', () => {
    expect(webhookRetryDelayMs(WEBHOOK_MAX_ATTEMPTS, middle)).toBeNull();
    expect(webhookRetryDelayMs(WEBHOOK_MAX_ATTEMPTS + 5, middle)).toBeNull();
  });

  it('moves each delay by at most 10 % either way', () => {
    const base = schedule(middle);
    schedule(lowest).forEach((delay, index) => expect(delay).toBe(Math.round((base[index] ?? 0) * 0.9)));
    schedule(highest).forEach((delay, index) => expect(delay).toBeCloseTo((base[index] ?? 0) * 1.1, -1));
  });

  it('keeps trying for at least 24 hours, and retries twice within the first minute, whatever the jitter', () => {
    for (const random of [lowest, middle, highest]) {
      const delays = schedule(random);
      expect(sum(delays)).toBeGreaterThanOrEqual(24 * HOUR);
      expect(sum(delays.slice(0, 2))).toBeLessThan(60_000);
    }
  });

  it.each([-1, 1.5, Number.NaN])('refuses %p attempts', (attemptsMade) => {
    expect(() => webhookRetryDelayMs(attemptsMade)).toThrow(expect.objectContaining({ code: 'internal_error' }));
  });
});
