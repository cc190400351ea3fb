import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { Pool } from 'undici';
import { runOpenLoop, type OpenLoopRequest, type OpenLoopResult } from './open-loop';
import { residentMb, resetPeakResident, sampleResident } from './process-memory';

/** An upload and the answer it should get. */
export interface Kind {
  name: string;
  bytes: Uint8Array;
  status: number;
  code?: string;
}

export interface Answer {
  ms: number;
  status: number;
  code?: string;
  retryAfterSeconds?: number;
}

/** A running server, the key the probes use and the key the uploads use. */
export interface Target {
  url: string;
  pid: number;
  probeKey: string;
  uploadKey: string;
}

export type ProbeResults = Record<string, OpenLoopResult>;

export interface PhaseResult {
  name: string;
  /** The same server's phase without uploads, which this one is compared with (itself for a rest phase). */
  rest: PhaseResult;
  probes: ProbeResults;
  lanes: { kind: Kind; answers: Answer[] }[];
  rss: { before: number; peak: number };
  /** CPU this load generator used, in cores: it shares the machine with the server. */
  generatorCores: number;
}

const PROBE_RATE = 20;
const RSS_SAMPLE_MS = 25;

export const PHASE_NOTES = `probes: ${PROBE_RATE} requests/s each, evenly spaced, timed from when due; four upload lanes back to back; RSS: kernel high-water mark and samples every ${RSS_SAMPLE_MS} ms`;

function probesOf(target: Target): Record<string, () => OpenLoopRequest> {
  const headers = { authorization: `Bearer ${target.probeKey}`, 'content-type': 'application/json' };
  const body = JSON.stringify(API_EXAMPLE_BODIES.create);
  return {
    'GET /healthz': () => ({ method: 'GET', path: '/healthz', headers: {} }),
    'POST /api/passes': () => ({ method: 'POST', path: '/api/passes', headers, body }),
  };
}

/** GET /healthz and POST /api/passes at PROBE_RATE each for `seconds`. */
async function runProbes(target: Target, seconds: number): Promise<ProbeResults> {
  const probes = probesOf(target);
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => runOpenLoop(target.url, PROBE_RATE, seconds, probes[name]!)));
  return Object.fromEntries(names.map((name, index) => [name, results[index]!]));
}

/** The pass path compiled and both validation workers loaded and used on every kind. */
export async function warmUp(target: Target, kinds: Kind[], pool: Pool): Promise<void> {
  await runOpenLoop(target.url, PROBE_RATE, 2, probesOf(target)['POST /api/passes']!);
  for (const kind of kinds) await Promise.all([uploadOnce(pool, target, kind), uploadOnce(pool, target, kind)]);
}

/**
 * Four lanes upload `kinds` back to back while the probes run, each waiting as long as a 429's
 * Retry-After asks (a client that ignores it is a request flood, which the rate limit is for);
 * the server's RSS is followed throughout.
 */
export async function runPhase(
  target: Target,
  name: string,
  kinds: Kind[],
  rest: PhaseResult | undefined,
  seconds: number,
  pool: Pool,
): Promise<PhaseResult> {
  const before = residentMb(target.pid).now;
  const peakReset = resetPeakResident(target.pid);
  const sampler = sampleResident(target.pid, RSS_SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let running = true;
  const lanes = kinds.map((kind) => ({ kind, answers: [] as Answer[] }));
  const uploading = lanes.map(async (lane) => {
    while (running) {
      const answer = await uploadOnce(pool, target, lane.kind);
      lane.answers.push(answer);
      if (answer.retryAfterSeconds !== undefined) await new Promise((resolve) => setTimeout(resolve, answer.retryAfterSeconds! * 1000));
    }
  });
  const probes = await runProbes(target, seconds).finally(() => (running = false));
  await Promise.all(uploading);
  const sampledPeak = sampler.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const result: PhaseResult = {
    name,
    rest: rest as PhaseResult,
    probes,
    lanes,
    rss: { before, peak: peakReset ? Math.max(sampledPeak, residentMb(target.pid).peak) : sampledPeak },
    generatorCores: (cpu.user + cpu.system) / 1000 / (performance.now() - started),
  };
  if (rest === undefined) result.rest = result;
  return result;
}

async function uploadOnce(pool: Pool, target: Target, kind: Kind): Promise<Answer> {
  const started = performance.now();
  const response = await pool.request({
    method: 'POST',
    path: '/api/validate',
    headers: { authorization: `Bearer ${target.uploadKey}`, 'content-type': 'application/vnd.apple.pkpass' },
    body: kind.bytes,
  });
  const body = (await response.body.json()) as { code?: string };
  const retryAfter = Number(response.headers['retry-after']);
  return {
    ms: performance.now() - started,
    status: response.statusCode,
    ...(body.code ? { code: body.code } : {}),
    ...(response.statusCode === 429 && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}
