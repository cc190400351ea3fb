import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { measureFanOut, type FanOutPlan, type FanOutResult } from './push-fanout';
import type { HealthSamples } from './health-sampler';
import { countFromEnv } from './config';
import { measureHttp2Floor, type FloorResult } from './http2-floor';

/**
 * `npm run bench:push`: `BENCH_PUSH_DEVICES` devices (default 100,000) spread over
 * `BENCH_PUSH_PASSES` passes (default 100) on one `passmint serve` (SQLite; `BENCH_PUSH_STORE=postgres`
 * for PostgreSQL), one changed PUT per pass, timed from the first PUT until the fake APNs (HTTP/2
 * + TLS on loopback, in this process) has accepted a push for every device. Checks that each
 * registered device got exactly one, and samples `GET /healthz` every 50 ms meanwhile.
 * Counts the CPU the server (and its main thread) and this process use meanwhile, per push, and
 * how idle the cores were. Goals: under 5 s, and /healthz under 50 ms throughout. Then the same number of pushes without
 * Passmint (./http2-floor.ts) for scale. `BENCH_PUSH_PROFILE=<dir>` runs the server with
 * `--cpu-prof` into that directory.
 */

const GOAL_MS = 5000;
const HEALTH_GOAL_MS = 50;
/** Streams in flight for the HTTP/2 floor: the most the fan-out has (two claims of 250 on SQLite). */
const FLOOR_CONCURRENCY = 500;

function planFromEnv(): FanOutPlan {
  const store = process.env.BENCH_PUSH_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`BENCH_PUSH_STORE must be sqlite or postgres, got "${store}"`);
  const profileDir = process.env.BENCH_PUSH_PROFILE;
  return {
    devices: countFromEnv('BENCH_PUSH_DEVICES', 100_000),
    passes: countFromEnv('BENCH_PUSH_PASSES', 100),
    processes: 1,
    store,
    // Through the web service only while that takes under 10 s; past it the rest is copied by SQL.
    webRegistrationBudgetMs: 10_000,
    deliveryTimeoutMs: 120_000,
    sampleHealth: true,
    ...(profileDir ? { profileDir: resolve(profileDir) } : {}),
  };
}

async function main(): Promise<void> {
  const plan = planFromEnv();
  const result = await measureFanOut(plan);
  const floor = await measureHttp2Floor(plan.devices, FLOOR_CONCURRENCY);
  if (!printReport(plan, result, floor)) process.exitCode = 1;
}

/** Prints every figure; returns whether the run was correct (every device exactly one push, all PUTs 2xx). */
function printReport(plan: FanOutPlan, result: FanOutResult, floor: FloorResult): boolean {
  const health = summarize(result.health);
  const seconds = (result.deliveredMs ?? plan.deliveryTimeoutMs) / 1000;
  const rate = result.deliveries.distinctTokens / seconds;
  console.log('');
  console.log(`Push fan-out on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), node ${process.version}`);
  console.log('server: one passmint serve process; fake APNs, PUTs and the /healthz sampler (a worker thread) in this process');
  console.log(
    `registrations: ${result.registeredThroughWebService} through the web service (${result.webRegistrationsPerSec.toFixed(0)}/s), ` +
      `${result.insertedBySql} copied by SQL into the store (the web service would take ~${(plan.devices / result.webRegistrationsPerSec).toFixed(0)} s); ` +
      `${result.registrations} registered`,
  );
  console.log('');
  console.log(
    '| store | devices | passes | PUTs answered ms | all pushed ms | pushes/s | connections | peak streams | /healthz p50 / p99 / max ms (samples) | duplicates | missing |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  console.log(
    `| ${plan.store} | ${plan.devices} | ${plan.passes} | ${result.putsAnsweredMs.toFixed(0)} | ${result.deliveredMs?.toFixed(0) ?? 'timeout'} | ` +
      `${rate.toFixed(0)} | ${result.connectionsByProcess.join('+')} | ${result.peakStreamsByProcess.join('+')} | ` +
      `${health.p50.toFixed(1)} / ${health.p99.toFixed(1)} / ${health.max.toFixed(1)} (${health.samples}) | ${result.deliveries.duplicates} | ${result.deliveries.missing} |`,
  );
  console.log('');
  const share = result.deliveredMs === undefined ? 0 : floor.ms / result.deliveredMs;
  console.log(
    `Node's HTTP/2 alone (no Passmint: a bare client in a process of its own, ${FLOOR_CONCURRENCY} streams in flight, to the same ` +
      `fake APNs): ${floor.accepted} pushes in ${floor.ms.toFixed(0)} ms (${((floor.accepted / floor.ms) * 1000).toFixed(0)}/s), ` +
      `the client's CPU ${((floor.cpuMs / floor.answered) * 1000).toFixed(0)} µs a push`,
  );
  console.log(`Passmint's fan-out ÷ that: ${(share * 100).toFixed(1)}% of the rate`);
  const perPush = cpuPerPush(result);
  console.log(
    `CPU during the fan-out, µs a push: the server ${perPush.server} (its main thread ${perPush.serverMainThread}), ` +
      `this process (fake APNs, PUTs, /healthz sampler) ${perPush.bench}; the cores ${(result.cpu.idleShare * 100).toFixed(0)}% idle`,
  );
  console.log('');
  const failures = failuresOf(plan, result, floor);
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  const fast = result.deliveredMs !== undefined && result.deliveredMs < GOAL_MS;
  const healthy = health.samples > 0 && health.max < HEALTH_GOAL_MS && health.failures === 0;
  console.log(`goal ${plan.devices} devices over ${plan.passes} passes in under ${GOAL_MS / 1000} s: ${fast ? 'MET' : 'NOT MET'}`);
  console.log(`goal /healthz under ${HEALTH_GOAL_MS} ms during the fan-out (max of the samples): ${healthy ? 'MET' : 'NOT MET'}`);
  console.log(
    JSON.stringify({
      store: plan.store,
      devices: plan.devices,
      passes: plan.passes,
      puts_answered_ms: Math.round(result.putsAnsweredMs),
      all_pushed_ms: result.deliveredMs === undefined ? null : Math.round(result.deliveredMs),
      pushes_per_s: Math.round(rate),
      connections: result.connectionsByProcess,
      peak_streams: result.peakStreamsByProcess,
      healthz_ms: {
        p50: round1(health.p50),
        p99: round1(health.p99),
        max: round1(health.max),
        samples: health.samples,
        failures: health.failures,
      },
      duplicates: result.deliveries.duplicates,
      missing: result.deliveries.missing,
      unexpected: result.deliveries.unexpected,
      http2_floor_ms: Math.round(floor.ms),
      http2_floor_share: Math.round(share * 1000) / 1000,
      cpu_us_per_push: { server: perPush.server, server_main_thread: perPush.serverMainThread, bench: perPush.bench },
      idle_share: Math.round(result.cpu.idleShare * 1000) / 1000,
      goals: { fan_out: fast, healthz: healthy },
    }),
  );
  return failures.length === 0;
}

/** CPU per push delivered, µs: unlike the rate, not moved much by a busy neighbour. */
function cpuPerPush(result: FanOutResult): { server: number; serverMainThread: number; bench: number } {
  const pushes = Math.max(1, result.deliveries.distinctTokens);
  const micros = (seconds: number) => Math.round((seconds * 1e6) / pushes);
  return { server: micros(result.cpu.servers), serverMainThread: micros(result.cpu.serverMainThreads), bench: micros(result.cpu.bench) };
}

function failuresOf(plan: FanOutPlan, result: FanOutResult, floor: FloorResult): string[] {
  const failures: string[] = [];
  const { deliveries } = result;
  if (result.putErrors > 0) failures.push(`${result.putErrors} PUTs did not answer 2xx`);
  if (result.registrations !== plan.devices) failures.push(`${result.registrations} devices registered, not ${plan.devices}`);
  if (deliveries.missing > 0) failures.push(`${deliveries.missing} devices got no push`);
  if (deliveries.duplicates > 0) failures.push(`${deliveries.duplicates} pushes went to a device that already had one`);
  if (deliveries.unexpected > 0) failures.push(`${deliveries.unexpected} pushes went to tokens nobody registered`);
  if ((result.health?.failures ?? 0) > 0) failures.push(`${result.health?.failures} /healthz samples did not answer 200`);
  if (floor.accepted !== plan.devices) failures.push(`the fake accepted ${floor.accepted} of the HTTP/2 floor's ${plan.devices} pushes`);
  return failures;
}

function summarize(health: HealthSamples | undefined) {
  const sorted = [...(health?.latenciesMs ?? [])].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, samples: sorted.length, failures: health?.failures ?? 0 };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
