import { PassmintError } from '@passmint/engine';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The wait before each retry: the first ones within a minute (a receiver restarting), then longer,
 * so an endpoint is tried for over 24 h in all (27.6 h; at least 24.9 h with the jitter).
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#deliverability-and-reliability
 */
const RETRY_DELAYS_MS = [5 * SECOND, 30 * SECOND, 2 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR] as const;

/** Attempts a delivery gets, the first included, before it is given up. */
export const WEBHOOK_MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Each delay is moved by up to ±10 %, so deliveries that failed together do not retry together. */
const JITTER = 0.1;

/**
 * How long to wait before the next attempt, after `attemptsMade` attempts (0: none yet, send now),
 * or null when the delivery should be given up. `random` returns a number in [0, 1).
 */
export function webhookRetryDelayMs(attemptsMade: number, random: () => number = Math.random): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) {
    throw new PassmintError('internal_error', 'attemptsMade must be a whole number ≥ 0.');
  }
  if (attemptsMade === 0) return 0;
  const delay = RETRY_DELAYS_MS[attemptsMade - 1];
  if (delay === undefined) return null;
  return Math.round(delay * (1 + JITTER * (2 * random() - 1)));
}
