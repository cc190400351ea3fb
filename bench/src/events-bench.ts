import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { passToken, registerThroughWebService } from './device-registrations';
import { startPassmint } from './passmint-process';
import { startWebhookSink } from './webhook-sink';

/**
 * `npm run bench:events`: what events and webhooks cost and how fast they arrive. Against
 * `passmint serve` on loopback (SQLite), each phase runs POST and changed PUTs flat out
 * (autocannon, 16 connections) with 0, 1, 3 and 10 webhook endpoints subscribed to every event;
 * signature-checking receivers in this process record when each delivery arrives. The peer is the
 * same server without endpoints: the goal is a write path under 10 % slower with them.
 */

const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 10);
const ENDPOINT_COUNTS = [0, 1, 3, 10];
const SEED_PASSES = 200;
const EXAMPLE = API_EXAMPLE_BODIES.create;
/** How long deliveries may trail the last write before the phase counts what arrived. */
const DRAIN_MS = 60_000;
/** The devices of the fan-out pass: a changed PUT queues a push for each in its transaction. */
const FANOUT_DEVICES = Number(process.env.BENCH_EVENTS_DEVICES ?? 10_000);
const FANOUT_PUTS = 15;

interface Phase {
  endpoints: number;
  postRps: number;
  putRps: number;
  events: number;
  delivered: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  forged: number;
  /** Median of sequential changed PUTs to the pass with FANOUT_DEVICES devices. */
  fanoutMs: number;
}

async function main(): Promise<void> {
  const sinks = await Promise.all(Array.from({ length: Math.max(...ENDPOINT_COUNTS) }, () => startWebhookSink()));
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-events-'));
  const server = await startPassmint({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_WEBHOOK_HOSTS_ALLOW: sinks.map((sink) => `127.0.0.1:${sink.port}`).join(','),
    // No APNs here: the push worker stays asleep, so the fan-out PUTs measure the write alone.
    PASSMINT_PUSH_WORKER_DELAY_MS: String(24 * 60 * 60_000),
  });
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  try {
    const serials = await seed(server.url, headers);
    const fanout = serials[0]!;
    await registerThroughWebService(
      [server.url],
      new Map([[fanout, await passToken(server.url, server.key, fanout)]]),
      new Map([[fanout, FANOUT_DEVICES]]),
    );
    const work = serials.slice(1);
    await writes(server.url, headers, work, 3); // warm-up
    const phases: Phase[] = [];
    const subscribed: string[] = [];
    for (const count of ENDPOINT_COUNTS) {
      while (subscribed.length < count) subscribed.push(await subscribe(server.url, headers, sinks[subscribed.length]!));
      const measured = await phase(server.url, headers, work, sinks.slice(0, count), count);
      phases.push({ ...measured, fanoutMs: await fanoutPuts(server.url, headers, fanout) });
    }
    report(phases);
  } finally {
    await server.stop();
    for (const sink of sinks) await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function phase(
  url: string,
  headers: Record<string, string>,
  serials: string[],
  sinks: Awaited<ReturnType<typeof startWebhookSink>>[],
  endpoints: number,
): Promise<Omit<Phase, 'fanoutMs'>> {
  for (const sink of sinks) sink.deliveries.length = 0;
  const { post, put } = await writes(url, headers, serials, SECONDS);
  const events = post.requests.total + put.requests.total;
  const expected = events * endpoints;
  const started = Date.now();
  while (sinks.reduce((sum, sink) => sum + sink.deliveries.length, 0) < expected && Date.now() - started < DRAIN_MS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const deliveries = sinks.flatMap((sink) => sink.deliveries);
  const latencies = deliveries.map((delivery) => delivery.receivedAt - delivery.createdAt).sort((a, b) => a - b);
  const first = Math.min(...deliveries.map((delivery) => delivery.createdAt));
  const last = Math.max(...deliveries.map((delivery) => delivery.receivedAt));
  return {
    endpoints,
    postRps: post.requests.average,
    putRps: put.requests.average,
    events,
    delivered: deliveries.length,
    deliveredPerSecond: deliveries.length > 0 ? deliveries.length / ((last - first) / 1000) : 0,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    forged: sinks.reduce((sum, sink) => sum + sink.forged(), 0),
  };
}

/** POSTs for half the time, then changed PUTs for the other half, flat out at 16 connections. */
async function writes(url: string, headers: Record<string, string>, serials: string[], seconds: number) {
  let counter = 0;
  const post = await autocannon({
    url,
    connections: 16,
    duration: seconds / 2,
    requests: [{ method: 'POST', path: '/api/passes', headers, body: JSON.stringify(EXAMPLE) }],
  });
  const put = await autocannon({
    url,
    connections: 16,
    duration: seconds / 2,
    requests: [
      {
        method: 'PUT',
        headers,
        setupRequest: (request) => {
          counter++;
          const body = { ...EXAMPLE, headerFields: [{ label: 'POINTS', value: String(counter) }] };
          return { ...request, path: `/api/passes/${serials[counter % serials.length]}`, body: JSON.stringify(body) };
        },
      },
    ],
  });
  if (post.non2xx + put.non2xx + post.errors + put.errors > 0) throw new Error('writes failed during the bench');
  return { post, put };
}

/** Sequential changed PUTs to the pass every device holds; the median time to answer. */
async function fanoutPuts(url: string, headers: Record<string, string>, serial: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < FANOUT_PUTS; i++) {
    const body = JSON.stringify({ ...EXAMPLE, headerFields: [{ label: 'POINTS', value: `${Date.now()}-${i}` }] });
    const started = performance.now();
    const response = await fetch(`${url}/api/passes/${serial}`, { method: 'PUT', headers, body });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`the fan-out PUT answered ${response.status}`);
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

async function subscribe(
  url: string,
  headers: Record<string, string>,
  sink: Awaited<ReturnType<typeof startWebhookSink>>,
): Promise<string> {
  const response = await fetch(`${url}/api/webhooks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: sink.url, events: ['pass.created', 'pass.updated'] }),
  });
  if (response.status !== 201) throw new Error(`creating a webhook failed: ${response.status} ${await response.text()}`);
  const created = (await response.json()) as { id: string; secret: string };
  sink.setSecret(created.secret);
  return created.id;
}

async function seed(url: string, headers: Record<string, string>): Promise<string[]> {
  const serials: string[] = [];
  for (let i = 0; i < SEED_PASSES; i++) {
    const response = await fetch(`${url}/api/passes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...EXAMPLE, barcodeValue: `SEED-${i}` }),
    });
    if (!response.ok) throw new Error(`seeding failed: ${response.status}`);
    serials.push(((await response.json()) as { serialNumber: string }).serialNumber);
  }
  return serials;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function report(phases: Phase[]): void {
  const base = phases[0]!;
  console.log('');
  console.log(
    `Passmint events and webhooks on loopback; node ${process.version}, ${availableParallelism()} CPUs (receivers and load generator included); SQLite`,
  );
  console.log(
    `each phase: POST ${SECONDS / 2} s then changed PUT ${SECONDS / 2} s, flat out at 16 connections; every endpoint takes pass.created and pass.updated`,
  );
  console.log(
    `fan-out ms: median of ${FANOUT_PUTS} sequential changed PUTs to a pass with ${FANOUT_DEVICES.toLocaleString('en-US')} registered devices (a push queued for each)`,
  );
  console.log('');
  console.log(
    ['endpoints', 'POST/s', 'vs 0', 'PUT/s', 'vs 0', 'events', 'delivered', 'deliv/s', 'p50 ms', 'p99 ms', 'fan-out ms']
      .map((h, i) => (i === 0 ? h.padEnd(9) : h.padStart(9)))
      .join(' '),
  );
  for (const row of phases) {
    console.log(
      [
        String(row.endpoints).padEnd(9),
        row.postRps.toFixed(0).padStart(9),
        change(row.postRps, base.postRps).padStart(9),
        row.putRps.toFixed(0).padStart(9),
        change(row.putRps, base.putRps).padStart(9),
        String(row.events).padStart(9),
        String(row.delivered).padStart(9),
        row.deliveredPerSecond.toFixed(0).padStart(9),
        (Number.isNaN(row.p50) ? '-' : row.p50.toFixed(0)).padStart(9),
        (Number.isNaN(row.p99) ? '-' : row.p99.toFixed(0)).padStart(9),
        row.fanoutMs.toFixed(0).padStart(9),
      ].join(' '),
    );
  }
  const worst = Math.min(...phases.slice(1).flatMap((row) => [row.postRps / base.postRps, row.putRps / base.putRps]));
  console.log('');
  console.log(
    `goal: writes with endpoints within 10 % of without: worst ${((1 - worst) * 100).toFixed(1)} % slower ${worst >= 0.9 ? 'MET' : 'NOT MET'}`,
  );
  const lost = phases.reduce((sum, row) => sum + row.events * row.endpoints - row.delivered, 0);
  if (lost > 0) console.log(`NOT ALL DELIVERED within ${DRAIN_MS / 1000} s of the last write: ${lost} missing`);
  if (phases.some((row) => row.forged > 0)) console.log('FAILED: a delivery did not verify');
  console.log(JSON.stringify(phases));
  if (lost > 0 || phases.some((row) => row.forged > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

function change(value: number, base: number): string {
  const percent = ((value - base) / base) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}
