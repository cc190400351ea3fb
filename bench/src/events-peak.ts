import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOpenLoop, type OpenLoopResult } from './open-loop';
import { startPassmint } from './passmint-process';
import { measureCpu } from './process-cpu';
import { seedPasses } from './seed-passes';
import { changedPut, percentile, subscribe } from './webhook-endpoints';
import { startWebhookSink, type SunkDelivery, type WebhookSink } from './webhook-sink';

/**
 * The peak phase of `npm run bench:events`: changed PUTs at a high fixed rate (even arrivals) to
 * a fresh server whose endpoints all take every event, and each delivery timed from the moment its
 * PUT was due to the moment its receiver had checked the signature. Each PUT goes to its own pass
 * in turn (`passes` of them, so one pass sees a PUT a second at 1,000/s), and a pass's versions
 * tell its deliveries apart: the k-th version of a pass a receiver got is the k-th PUT to it.
 */
export interface PeakOptions {
  rate: number;
  seconds: number;
  endpoints: number;
  passes: number;
  /** Options for the server's node (`--cpu-prof`, say). */
  serverNodeArgs?: string[];
}

export interface PeakResult {
  rate: number;
  seconds: number;
  endpoints: number;
  puts: number;
  putErrors: number;
  eventsPerSecond: number;
  putP50: number;
  putP99: number;
  putMax: number;
  expected: number;
  delivered: number;
  deliveriesPerSecond: number;
  /** From the last PUT's due time to the last delivery's arrival, ms. */
  tailMs: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  lost: number;
  repeated: number;
  forged: number;
  /** Share of one core used during the timed PUTs and their deliveries. */
  cpu: { server: number; serverMainThread: number; bench: number };
  /** The server's CPU time per event (its PUT and its deliveries), ms: unlike rates, not moved by a busy neighbour. */
  serverCpuMsPerEvent: number;
  /** The part of it on the server's main thread (the API, the store's writes, the workers' claims), ms. */
  serverMainThreadMsPerEvent: number;
}

/** Deliveries that may still come after the PUTs: until none arrived for this long. */
const QUIET_MS = 15_000;
const WARM_UP_SECONDS = 3;

export async function runPeakPhase(options: PeakOptions): Promise<PeakResult> {
  const sinks = await Promise.all(Array.from({ length: options.endpoints }, () => startWebhookSink()));
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-peak-'));
  const server = await startPassmint(
    {
      PASSMINT_DATA_DIR: dataDir,
      PASSMINT_WEBHOOK_HOSTS_ALLOW: sinks.map((sink) => `127.0.0.1:${sink.port}`).join(','),
      PASSMINT_PUSH_WORKER_DELAY_MS: String(24 * 60 * 60_000),
    },
    options.serverNodeArgs,
  );
  try {
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const serials = await seedPasses(server.url, headers, options.passes);
    for (const sink of sinks) await subscribe(server.url, headers, sink);
    // Untimed: V8 compiles the PUT and delivery paths, and the connection pools fill.
    const warmUp = await putAtRate(server.url, headers, serials, options.rate / 2, WARM_UP_SECONDS);
    await arrivals(sinks, warmUp.requests * sinks.length);
    for (const sink of sinks) sink.deliveries.length = 0;

    const pid = server.child.pid!;
    const cpu = measureCpu({ server: pid, serverMainThread: { pid, thread: pid }, bench: process.pid });
    const puts = await putAtRate(server.url, headers, serials, options.rate, options.seconds);
    const delivered = await arrivals(sinks, puts.requests * sinks.length);
    const used = cpu.stop();
    return {
      ...summarise(options, puts, sinks, serials, delivered),
      cpu: { server: used.server!.share, serverMainThread: used.serverMainThread!.share, bench: used.bench!.share },
      serverCpuMsPerEvent: (used.server!.seconds * 1000) / puts.requests,
      serverMainThreadMsPerEvent: (used.serverMainThread!.seconds * 1000) / puts.requests,
    };
  } finally {
    await server.stop();
    for (const sink of sinks) await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function putAtRate(
  url: string,
  headers: Record<string, string>,
  serials: string[],
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  return runOpenLoop(url, rate, seconds, (index) => ({ method: 'PUT', headers, ...changedPut(serials, index) }));
}

/** Waits until the receivers together have `expected` pass.updated deliveries, or none came for QUIET_MS; how many came. */
async function arrivals(sinks: WebhookSink[], expected: number): Promise<number> {
  const count = () => sinks.reduce((sum, sink) => sum + sink.deliveries.filter((d) => d.type === 'pass.updated').length, 0);
  let last = count();
  let lastChange = Date.now();
  while (last < expected && Date.now() - lastChange < QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = count();
    if (now !== last) [last, lastChange] = [now, Date.now()];
  }
  return last;
}

function summarise(
  options: PeakOptions,
  puts: OpenLoopResult,
  sinks: WebhookSink[],
  serials: readonly string[],
  delivered: number,
): Omit<PeakResult, 'cpu' | 'serverCpuMsPerEvent' | 'serverMainThreadMsPerEvent'> {
  const passes = serials.length;
  const placeOf = new Map(serials.map((serial, place) => [serial, place]));
  const interval = 1000 / options.rate;
  const dueAt = (index: number) => puts.startedAt + index * interval;
  const latencies: number[] = [];
  let lastArrival = puts.startedAt;
  for (const sink of sinks) {
    for (const [passIndex, versions] of byPass(sink.deliveries, placeOf)) {
      versions.forEach((delivery, k) => {
        latencies.push(delivery.receivedAt - dueAt(k * passes + passIndex));
        lastArrival = Math.max(lastArrival, delivery.receivedAt);
      });
    }
  }
  latencies.sort((a, b) => a - b);
  const expected = puts.requests * sinks.length;
  return {
    rate: options.rate,
    seconds: options.seconds,
    endpoints: sinks.length,
    puts: puts.requests,
    putErrors: puts.errors,
    eventsPerSecond: puts.reqPerSec,
    putP50: puts.p50,
    putP99: puts.p99,
    putMax: puts.max,
    expected,
    delivered,
    deliveriesPerSecond: delivered / ((lastArrival - puts.startedAt) / 1000),
    tailMs: lastArrival - dueAt(puts.requests - 1),
    latencyP50: percentile(latencies, 0.5),
    latencyP99: percentile(latencies, 0.99),
    latencyMax: latencies.at(-1) ?? NaN,
    lost: Math.max(0, expected - delivered),
    repeated: sinks.reduce((sum, sink) => sum + sink.duplicates(), 0),
    forged: sinks.reduce((sum, sink) => sum + sink.forged(), 0),
  };
}

/** One receiver's pass.updated deliveries per pass (by the pass's place in the PUT order), oldest version first. */
function byPass(deliveries: SunkDelivery[], placeOf: ReadonlyMap<string, number>): Map<number, SunkDelivery[]> {
  const passes = new Map<number, SunkDelivery[]>();
  for (const delivery of deliveries) {
    const place = placeOf.get(delivery.serialNumber);
    if (delivery.type !== 'pass.updated' || place === undefined) continue;
    const list = passes.get(place) ?? [];
    list.push(delivery);
    passes.set(place, list);
  }
  for (const list of passes.values()) list.sort((a, b) => a.version - b.version);
  return passes;
}

export function reportPeak(result: PeakResult): void {
  const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));
  const share = (value: number) => `${(value * 100).toFixed(0)} %`;
  console.log('');
  console.log(
    `Peak: changed PUTs at ${result.rate}/s (even arrivals) for ${result.seconds} s to ${result.endpoints} endpoints on a fresh server; ` +
      `latency from each PUT's due moment to its receiver's checked signature`,
  );
  console.log(
    `PUTs: ${result.puts} (${result.putErrors} failed), ${result.eventsPerSecond.toFixed(0)} events/s created; ` +
      `PUT p50 ${ms(result.putP50)} ms, p99 ${ms(result.putP99)} ms, max ${ms(result.putMax)} ms`,
  );
  console.log(
    `deliveries: ${result.delivered} of ${result.expected}, ${result.deliveriesPerSecond.toFixed(0)}/s; ` +
      `latency p50 ${ms(result.latencyP50)} ms, p99 ${ms(result.latencyP99)} ms, max ${ms(result.latencyMax)} ms; ` +
      `the last ${ms(result.tailMs)} ms after the last PUT was due`,
  );
  console.log(
    `lost: ${result.lost}; repeated: ${result.repeated}; signatures that failed: ${result.forged}; ` +
      `CPU: server ${share(result.cpu.server)} (main thread ${share(result.cpu.serverMainThread)}), ` +
      `bench (load, receivers) ${share(result.cpu.bench)} of one core; ` +
      `server ${result.serverCpuMsPerEvent.toFixed(2)} ms of CPU per event (main thread ${result.serverMainThreadMsPerEvent.toFixed(2)} ms)`,
  );
  const met = result.lost === 0 && result.eventsPerSecond >= 0.99 * 1000 && result.endpoints >= 3 && result.latencyP99 < 1000;
  console.log(`goal: ≥ 1,000 events/s to 3 endpoints, p99 under 1 s, none lost: ${met ? 'MET' : 'NOT MET'}`);
  console.log(JSON.stringify({ peak: result }));
}
