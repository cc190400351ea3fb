import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { runOpenLoop, type OpenLoopRequest } from './open-loop';
import { startPassmint } from './passmint-process';
import { seedPasses } from './seed-passes';

/**
 * `npm run bench:api`: load against `passmint serve` on loopback, a separate process as in
 * production. POST, changed PUT and unchanged PUT each run at 100 requests/s with evenly spaced
 * arrivals (the goals: POST p99 < 50 ms, unchanged PUT p99 < 5 ms), then with autocannon at the
 * same rate and flat out at a fixed concurrency of 16, to show the ceiling.
 */

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 15);
const FIXED_RATE = 100;
const SEED_PASSES = 300;

const EXAMPLE = API_EXAMPLE_BODIES.create;

interface Scenario {
  name: string;
  rate?: number;
  connections: number;
  request: autocannon.Request;
}

interface Row {
  name: string;
  tool: string;
  rate: string;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-api-'));
  const server = await startPassmint({ PASSMINT_DATA_DIR: dataDir });
  serverUrl = server.url;
  try {
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const serials = await seedPasses(server.url, headers, SEED_PASSES);
    let counter = 0;
    const postBody = JSON.stringify(EXAMPLE);
    const changedBody = () => {
      counter++;
      const body = { ...EXAMPLE, headerFields: [{ label: 'POINTS', value: String(counter), changeMessage: 'You have %@ points' }] };
      return { path: `/api/passes/${serials[counter % serials.length]}`, body: JSON.stringify(body) };
    };
    const post: autocannon.Request = { method: 'POST', path: '/api/passes', headers, body: postBody };
    const changedPut: autocannon.Request = { method: 'PUT', headers, setupRequest: (request) => ({ ...request, ...changedBody() }) };
    const unchangedPut: autocannon.Request = { method: 'PUT', path: `/api/passes/${serials[0]}`, headers, body: postBody };
    const uniform: Record<string, () => OpenLoopRequest> = {
      'POST /api/passes': () => ({ method: 'POST', path: '/api/passes', headers, body: postBody }),
      'PUT changed': () => ({ method: 'PUT', headers, ...changedBody() }),
      'PUT unchanged': () => ({ method: 'PUT', path: `/api/passes/${serials[0]}`, headers, body: postBody }),
    };

    await run({ name: 'warm-up', connections: 8, request: post }, 3);
    await run({ name: 'warm-up', connections: 8, request: unchangedPut }, 2);
    const rows: Row[] = [];
    for (const [name, next] of Object.entries(uniform)) {
      const result = await runOpenLoop(server.url, FIXED_RATE, SECONDS, next);
      rows.push({ name, tool: 'even arrivals', rate: `${FIXED_RATE}/s`, ...result });
    }
    for (const scenario of [
      { name: 'POST /api/passes', rate: FIXED_RATE, connections: 16, request: post },
      { name: 'PUT changed', rate: FIXED_RATE, connections: 16, request: changedPut },
      { name: 'PUT unchanged', rate: FIXED_RATE, connections: 16, request: unchangedPut },
      { name: 'POST /api/passes', connections: 16, request: post },
      { name: 'PUT changed', connections: 16, request: changedPut },
      { name: 'PUT unchanged', connections: 16, request: unchangedPut },
    ] satisfies Scenario[]) {
      rows.push(await run(scenario, SECONDS));
    }
    report(rows);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(scenario: Scenario, seconds: number): Promise<Row> {
  const result = await autocannon({
    url: serverUrl,
    connections: scenario.connections,
    duration: seconds,
    ...(scenario.rate ? { overallRate: scenario.rate } : {}),
    requests: [scenario.request],
  });
  return {
    name: scenario.name,
    tool: 'autocannon c=16',
    rate: scenario.rate ? `${scenario.rate}/s` : 'max',
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function report(rows: Row[]): void {
  console.log('');
  console.log(
    `Passmint API on loopback; node ${process.version}, ${availableParallelism()} CPUs (load generator included); ${SECONDS} s a scenario; SQLite WAL, synchronous=FULL`,
  );
  console.log('even arrivals: one request every 10 ms whatever the answers, timed from when it was due; autocannon c=16: 16 connections');
  console.log('');
  console.log(
    [
      'scenario'.padEnd(18),
      'load'.padEnd(16),
      'offered'.padStart(8),
      'requests'.padStart(9),
      'req/s'.padStart(8),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'non-2xx'.padStart(8),
    ].join(' '),
  );
  for (const row of rows) {
    console.log(
      [
        row.name.padEnd(18),
        row.tool.padEnd(16),
        row.rate.padStart(8),
        String(row.requests).padStart(9),
        row.reqPerSec.toFixed(0).padStart(8),
        row.p50.toFixed(1).padStart(8),
        row.p99.toFixed(1).padStart(8),
        String(row.errors).padStart(8),
      ].join(' '),
    );
  }
  // The goals are judged on the evenly spaced runs: the first three rows.
  const postAtRate = rows[0] as Row;
  const unchangedAtRate = rows[2] as Row;
  console.log('');
  console.log(`goal POST p99 < 50 ms at ${FIXED_RATE} req/s: ${postAtRate.p99.toFixed(1)} ms ${postAtRate.p99 < 50 ? 'MET' : 'NOT MET'}`);
  console.log(
    `goal unchanged PUT p99 < 5 ms at ${FIXED_RATE} req/s: ${unchangedAtRate.p99.toFixed(1)} ms ${unchangedAtRate.p99 < 5 ? 'MET' : 'NOT MET'}`,
  );
  const failed = rows.reduce((sum, row) => sum + row.errors, 0);
  if (failed > 0) console.log(`FAILED: ${failed} requests did not answer 2xx`);
  console.log(
    JSON.stringify(
      Object.fromEntries(
        rows.map((row) => [
          `${row.name} @${row.rate} ${row.tool}`,
          { rps: Math.round(row.reqPerSec), p50: round2(row.p50), p99: round2(row.p99), non2xx: row.errors },
        ]),
      ),
    ),
  );
  if (failed > 0) process.exitCode = 1;
}

let serverUrl = '';

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
