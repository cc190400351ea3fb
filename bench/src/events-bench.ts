import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { passToken, registerThroughWebService } from './device-registrations';
import { reportPeak, runPeakPhase, type PeakOptions, type PeakResult } from './events-peak';
import { runOpenLoop } from './open-loop';
import { startPassmint } from './passmint-process';
import { seedPasses } from './seed-passes';
import { changedPut, percentile, subscribe, unsubscribe } from './webhook-endpoints';
import { startWebhookSink, type WebhookSink } from './webhook-sink';

/**
 * `npm run bench:events`: what events and webhooks cost, and how fast they arrive, against
 * `passmint serve` on loopback (SQLite). Two parts, both with 0, 1, 3 and 10 endpoints taking
 * pass.created and pass.updated, each checking every signature as a real receiver must:
 *
 * - The write path: POST and changed PUT flat out (autocannon, 16 connections) on a process with
 *   PASSMINT_WEBHOOK_DELIVERY=off, so each write pays for its event and its outbox rows but the
 *   machine's two cores are not also busy delivering; and the median of sequential PUTs to a pass
 *   with 10,000 devices. The peer is the same server without endpoints: the goal is under 10 %
 *   slower. Then a delivering process starts on the same database and the backlog drains.
 * - Live delivery: changed PUTs at a fixed rate with the receivers answering: events per second
 *   from PUTs to delivered webhooks, delivery latency (event time to arrival) p50/p99, and the
 *   PUTs' own p99 against the same rate without endpoints.
 * - The peak (events-peak.ts): on a fresh server, changed PUTs at 1,000/s for 30 s to 3 endpoints, each
 *   delivery timed from its PUT's due moment to its receiver's check; none lost, none twice.
 *
 * BENCH_EVENTS_PHASES (default `write-path,peak`) runs either alone.
 */

const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 20);
const LIVE_RATE = Number(process.env.BENCH_EVENTS_RATE ?? 100);
const ENDPOINT_COUNTS = [0, 1, 3, 10];
const SEED_PASSES = 200;
const EXAMPLE = API_EXAMPLE_BODIES.create;
/** How long deliveries may trail the last write before what arrived is counted. */
const DRAIN_MS = 120_000;
/** The devices of the fan-out pass: a changed PUT queues a push for each in its transaction. */
const FANOUT_DEVICES = Number(process.env.BENCH_EVENTS_DEVICES ?? 10_000);
const FANOUT_PUTS = 15;
const PHASES = (process.env.BENCH_EVENTS_PHASES ?? 'write-path,peak').split(',');
const PEAK: PeakOptions = {
  rate: Number(process.env.BENCH_EVENTS_PEAK_RATE ?? 1000),
  // 30 s, not 10: the rate counts until the last PUT's answer, so a 10 s run at exactly 1,000/s
  // read 980-990/s from its last answers' 100-200 ms alone; a longer run also shows it is sustained.
  seconds: Number(process.env.BENCH_EVENTS_PEAK_SECONDS ?? 30),
  endpoints: Number(process.env.BENCH_EVENTS_PEAK_ENDPOINTS ?? 3),
  passes: 1000,
  // BENCH_EVENTS_CPU_PROF=<dir>: the server of the peak phase writes a V8 CPU profile there.
  serverNodeArgs: process.env.BENCH_EVENTS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_EVENTS_CPU_PROF}`] : [],
};

type Headers = Record<string, string>;

interface WriteRow {
  endpoints: number;
  postRps: number;
  putRps: number;
  fanoutMs: number;
}

interface LiveRow {
  endpoints: number;
  putP50: number;
  putP99: number;
  events: number;
  delivered: number;
  deliveredPerSecond: number;
  latencyP50: number;
  latencyP99: number;
}

async function main(): Promise<void> {
  if (PHASES.includes('write-path')) await writePathAndLive();
  let peak: PeakResult | undefined;
  if (PHASES.includes('peak')) reportPeak((peak = await runPeakPhase(PEAK)));
  if (peak && (peak.lost > 0 || peak.forged > 0 || peak.putErrors > 0)) process.exitCode = 1;
}

async function writePathAndLive(): Promise<void> {
  const sinks = await Promise.all(Array.from({ length: Math.max(...ENDPOINT_COUNTS) }, () => startWebhookSink()));
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-events-'));
  const env = {
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_WEBHOOK_HOSTS_ALLOW: sinks.map((sink) => `127.0.0.1:${sink.port}`).join(','),
    // No APNs here: the push worker stays asleep, so the fan-out PUTs measure the write alone.
    PASSMINT_PUSH_WORKER_DELAY_MS: String(24 * 60 * 60_000),
  };
  // The write path first, on a process that writes events and deliveries but sends none (as an
  // API-only process would), so the two cores are not also busy delivering.
  let server = await startPassmint({ ...env, PASSMINT_WEBHOOK_DELIVERY: 'off' });
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  try {
    const serials = await seedPasses(server.url, headers, SEED_PASSES);
    const fanout = serials[0]!;
    const token = await passToken(server.url, server.key, fanout);
    await registerThroughWebService([server.url], new Map([[fanout, token]]), new Map([[fanout, FANOUT_DEVICES]]));
    const work = serials.slice(1);
    await writesFlatOut(server.url, headers, work, 3); // warm-up

    // Down and back up (10, 3, 1, 0, 0, 1, 3, 10), each count's figures the mean of its two runs,
    // so that a database growing through the phases weighs on every count alike; the last phases
    // leave the backlog that is drained next.
    const endpointIds: string[] = [];
    const runs: WriteRow[] = [];
    for (const count of [...[...ENDPOINT_COUNTS].reverse(), ...ENDPOINT_COUNTS]) {
      while (endpointIds.length < count) endpointIds.push(await subscribe(server.url, headers, sinks[endpointIds.length]!));
      while (endpointIds.length > count) await unsubscribe(server.url, headers, endpointIds.pop()!);
      const { post, put } = await writesFlatOut(server.url, headers, work, SECONDS);
      runs.push({ endpoints: count, postRps: post, putRps: put, fanoutMs: await fanoutPuts(server.url, headers, fanout) });
    }
    const writeRows = ENDPOINT_COUNTS.map((count) => meanOf(runs.filter((row) => row.endpoints === count)));
    await server.stop();
    // The same database on a process that delivers: the backlog goes out, then the live phases.
    const started = Date.now();
    server = await startPassmint(env);
    const backlog = await drain(sinks, started);

    const liveRows: LiveRow[] = [];
    for (const count of [...ENDPOINT_COUNTS].reverse()) {
      while (endpointIds.length > count) await unsubscribe(server.url, headers, endpointIds.pop()!);
      liveRows.push(await live(server.url, headers, work, sinks.slice(0, count)));
    }
    report(writeRows, backlog, liveRows.reverse(), sinks);
    console.log(
      `each write-path run, in order: ${JSON.stringify(runs.map((row) => [row.endpoints, Math.round(row.postRps), Math.round(row.putRps)]))}`,
    );
  } finally {
    await server.stop();
    for (const sink of sinks) await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** POSTs for half the time, then changed PUTs for the other half, flat out at 16 connections. */
async function writesFlatOut(url: string, headers: Headers, serials: string[], seconds: number): Promise<{ post: number; put: number }> {
  const post = await autocannon({
    url,
    connections: 16,
    duration: seconds / 2,
    requests: [{ method: 'POST', path: '/api/passes', headers, body: JSON.stringify(EXAMPLE) }],
  });
  let counter = 0;
  const put = await autocannon({
    url,
    connections: 16,
    duration: seconds / 2,
    requests: [{ method: 'PUT', headers, setupRequest: (request) => ({ ...request, ...changedPut(serials, counter++) }) }],
  });
  if (post.non2xx + put.non2xx + post.errors + put.errors > 0) throw new Error('writes failed during the bench');
  return { post: post.requests.average, put: put.requests.average };
}

/** Changed PUTs at LIVE_RATE with the receivers answering; every delivery of them is waited for. */
async function live(url: string, headers: Headers, serials: string[], sinks: WebhookSink[]): Promise<LiveRow> {
  for (const sink of sinks) sink.deliveries.length = 0;
  const started = Date.now();
  const puts = await runOpenLoop(url, LIVE_RATE, SECONDS, (index) => ({ method: 'PUT', headers, ...changedPut(serials, index) }));
  if (puts.errors > 0) throw new Error('PUTs failed during the live phase');
  const expected = puts.requests * sinks.length;
  await until(() => sinks.reduce((sum, sink) => sum + sink.deliveries.filter((d) => d.createdAt >= started - 1000).length, 0) >= expected);
  const deliveries = sinks.flatMap((sink) => sink.deliveries);
  const latencies = deliveries.map((delivery) => delivery.receivedAt - delivery.createdAt).sort((a, b) => a - b);
  const last = deliveries.reduce((latest, delivery) => Math.max(latest, delivery.receivedAt), started);
  return {
    endpoints: sinks.length,
    putP50: puts.p50,
    putP99: puts.p99,
    events: puts.requests,
    delivered: deliveries.length,
    deliveredPerSecond: deliveries.length / ((last - started) / 1000),
    latencyP50: percentile(latencies, 0.5),
    latencyP99: percentile(latencies, 0.99),
  };
}

/** Times the backlog's delivery: until no more arrive for two seconds. */
async function drain(sinks: WebhookSink[], started: number): Promise<{ deliveries: number; seconds: number }> {
  const arrived = () => sinks.reduce((sum, sink) => sum + sink.deliveries.length, 0);
  let last = -1;
  let stableSince = Date.now();
  await until(() => {
    const now = arrived();
    if (now !== last) [last, stableSince] = [now, Date.now()];
    return now > 0 && Date.now() - stableSince >= 2000;
  }, 100);
  // A reduce, not Math.max(...): the backlog can be more deliveries than arguments a call may take.
  const newest = sinks.reduce(
    (latest, sink) => sink.deliveries.reduce((at, delivery) => Math.max(at, delivery.receivedAt), latest),
    started,
  );
  return { deliveries: arrived(), seconds: (newest - started) / 1000 };
}

/** Sequential changed PUTs to the pass every device holds; the median time to answer. */
async function fanoutPuts(url: string, headers: Headers, serial: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < FANOUT_PUTS; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/api/passes/${serial}`, { method: 'PUT', headers, body: changedPut([serial], i).body });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`the fan-out PUT answered ${response.status}`);
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

async function until(done: () => boolean, everyMs = 50): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`deliveries did not all arrive within ${DRAIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function meanOf(rows: WriteRow[]): WriteRow {
  const mean = (pick: (row: WriteRow) => number) => rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
  return {
    endpoints: rows[0]!.endpoints,
    postRps: mean((row) => row.postRps),
    putRps: mean((row) => row.putRps),
    fanoutMs: mean((row) => row.fanoutMs),
  };
}

function report(writes: WriteRow[], backlog: { deliveries: number; seconds: number }, lives: LiveRow[], sinks: WebhookSink[]): void {
  const base = writes[0]!;
  const liveBase = lives[0]!;
  const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));
  const table = (heads: string[], rows: string[][]) => {
    console.log(heads.map((head, i) => (i === 0 ? head.padEnd(9) : head.padStart(11))).join(' '));
    for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(9) : cell.padStart(11))).join(' '));
  };
  console.log('');
  console.log(
    `Passmint events and webhooks on loopback; node ${process.version}, ${availableParallelism()} CPUs (receivers and load generator included); SQLite`,
  );
  console.log('');
  console.log(
    `The write path: POST ${SECONDS / 2} s then changed PUT ${SECONDS / 2} s flat out (16 connections), PASSMINT_WEBHOOK_DELIVERY=off; each count run twice (10, 3, 1, 0, 0, 1, 3, 10), the mean shown;`,
  );
  console.log(
    `fan-out: median of ${FANOUT_PUTS} sequential changed PUTs to a pass with ${FANOUT_DEVICES.toLocaleString('en-US')} devices (a push queued for each)`,
  );
  table(
    ['endpoints', 'POST/s', 'vs 0', 'PUT/s', 'vs 0', 'fan-out ms', 'vs 0'],
    writes.map((row) => [
      String(row.endpoints),
      row.postRps.toFixed(0),
      change(row.postRps, base.postRps),
      row.putRps.toFixed(0),
      change(row.putRps, base.putRps),
      row.fanoutMs.toFixed(1),
      change(row.fanoutMs, base.fanoutMs),
    ]),
  );
  console.log(
    `backlog: ${backlog.deliveries} deliveries sent in ${backlog.seconds.toFixed(1)} s by a delivering process started on the same database ` +
      `(${(backlog.deliveries / backlog.seconds).toFixed(0)}/s, start-up included)`,
  );
  console.log('');
  console.log(
    `Live delivery: changed PUTs at ${LIVE_RATE}/s for ${SECONDS} s, receivers answering; latency from the event's time to its arrival`,
  );
  table(
    ['endpoints', 'PUT p50', 'PUT p99', 'events', 'delivered', 'deliv/s', 'lat p50 ms', 'lat p99 ms'],
    lives.map((row) => [
      String(row.endpoints),
      ms(row.putP50),
      ms(row.putP99),
      String(row.events),
      String(row.delivered),
      row.endpoints === 0 ? '-' : row.deliveredPerSecond.toFixed(0),
      ms(row.latencyP50),
      ms(row.latencyP99),
    ]),
  );
  const worst = Math.min(...writes.slice(1).flatMap((row) => [row.postRps / base.postRps, row.putRps / base.putRps]));
  console.log('');
  console.log(
    `goal: writes with endpoints within 10 % of without: worst ${((1 - worst) * 100).toFixed(1)} % slower ${worst >= 0.9 ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `PUT p99 at ${LIVE_RATE}/s: ${ms(liveBase.putP99)} ms without endpoints, ${ms(lives.at(-1)!.putP99)} ms with ${lives.at(-1)!.endpoints} delivering`,
  );
  const forged = sinks.reduce((sum, sink) => sum + sink.forged(), 0);
  const duplicates = sinks.reduce((sum, sink) => sum + sink.duplicates(), 0);
  console.log(`signatures that failed: ${forged}; repeated webhook-ids (at-least-once redeliveries): ${duplicates}`);
  console.log(JSON.stringify({ writes, backlog, lives }));
  if (forged > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

function change(value: number, base: number): string {
  const percent = ((value - base) / base) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}
