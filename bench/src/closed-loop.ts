import autocannon from 'autocannon';

export interface ClosedLoopResult {
  /** Responses of any status. */
  requests: number;
  /** 2xx answers a second, all processes together. */
  okPerSec: number;
  /** 2xx answers a second of each process, in the order of the URLs. */
  okPerSecByProcess: number[];
  ok: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
}

/**
 * Flat-out load at a fixed concurrency, spread the way a load balancer would: one autocannon
 * instance per URL with an equal share of the connections, all at once. Latencies come from
 * every response of every instance, so p50/p99 are over the merged distribution.
 */
export async function runClosedLoop(
  urls: string[],
  connections: number,
  seconds: number,
  request: autocannon.Request,
): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  const share = Math.max(1, Math.round(connections / urls.length));
  const results = await Promise.all(urls.map((url) => runInstance(url, share, seconds, request, latencies)));
  const okPerSecByProcess = results.map((result) => result['2xx'] / result.duration);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    okPerSec: okPerSecByProcess.reduce((sum, rate) => sum + rate, 0),
    okPerSecByProcess,
    ok: results.reduce((sum, result) => sum + result['2xx'], 0),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: results.reduce((sum, result) => sum + result.non2xx + result.errors, 0),
  };
}

function runInstance(
  url: string,
  connections: number,
  seconds: number,
  request: autocannon.Request,
  latencies: number[],
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, requests: [request] }, (error: unknown, result) =>
      error ? reject(error) : resolve(result),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}
