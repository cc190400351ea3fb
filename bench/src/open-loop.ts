import { Pool } from 'undici';

export interface OpenLoopRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** When request 0 was due (ms since the epoch); request i was due `i * 1000 / ratePerSecond` later. */
  startedAt: number;
}

/**
 * Requests at evenly spaced moments, whether or not earlier ones have answered (an open model,
 * like independent clients), timed from the moment each was due with sub-millisecond resolution.
 * autocannon's fixed-rate mode starts every connection's request at the same instant, so its
 * latencies at a fixed rate measure its own bursts; this measures the server at that rate.
 */
export async function runOpenLoop(
  url: string,
  ratePerSecond: number,
  seconds: number,
  next: (index: number) => OpenLoopRequest,
): Promise<OpenLoopResult> {
  const pool = new Pool(url, { connections: 32, pipelining: 1 });
  const total = Math.round(ratePerSecond * seconds);
  const interval = 1000 / ratePerSecond;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = next(index);
    pending.push(
      pool.request({ origin: url, ...request }).then(
        async (response) => {
          await response.body.text();
          if (response.statusCode >= 300) errors++;
          latencies.push(performance.now() - due);
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const startedAt = performance.timeOrigin + started;
  return { requests: total, reqPerSec: total / elapsed, p50: at(0.5), p99: at(0.99), max: at(1), errors, startedAt };
}
