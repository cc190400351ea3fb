import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_EXAMPLE_BODIES, busyWorkZip, emptyObjectsBomb, sizeLiarBomb } from '@passmint/engine/testing';
import { Pool } from 'undici';
import { runOpenLoop, type OpenLoopRequest, type OpenLoopResult } from './open-loop';
import { startPassmint } from './passmint-process';
import { residentMb, resetPeakResident, sampleResident } from './process-memory';

/**
 * `npm run bench:hostile`: `passmint serve` as its own process, measured at rest (GET /healthz and
 * POST /api/passes, 20 requests/s each, evenly spaced), then the same while four lanes upload to
 * /api/validate back to back. Phase "bombs": the two bombs of issue 15, twice each (1 GiB behind a
 * 100-byte declaration; five million `{}`). Phase "costliest": the two archives within every limit
 * that cost the validator most, twice each (a 1 MiB pass.json of 349,000 `{}`; 60 MiB of entries
 * to inflate and hash). Goals (issue 15): /healthz under 200 ms and POST p99 under 3x its p99 at
 * rest while they run; each bomb answered with its 4xx and code within a second; RSS no more than
 * 200 MB above rest.
 */

const SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS ?? 10);
const PROBE_RATE = 20;
const RSS_SAMPLE_MS = 25;

interface Kind {
  name: string;
  bytes: Uint8Array;
  status: number;
  code?: string;
}

interface Answer {
  ms: number;
  status: number;
  code?: string;
}

interface PhaseResult {
  name: string;
  probes: Record<string, OpenLoopResult>;
  lanes: { kind: Kind; answers: Answer[] }[];
  rss: { rest: number; peak: number };
  /** CPU this load generator used, in cores: it shares the machine with the server. */
  generatorCores: number;
}

const LIAR: Kind = { name: '1 GiB declared as 100 B', bytes: sizeLiarBomb(), status: 422, code: 'zip_entry_size_mismatch' };
const FIVE_MILLION: Kind = { name: 'five million {}', bytes: emptyObjectsBomb(), status: 422, code: 'zip_entry_too_large' };
const OBJECTS: Kind = { name: '1 MiB of {} (in limits)', bytes: emptyObjectsBomb(349_000), status: 200 };
const INFLATE: Kind = { name: '60 MiB inflated (in limits)', bytes: busyWorkZip(), status: 200 };
const PHASES = { bombs: [LIAR, FIVE_MILLION, LIAR, FIVE_MILLION], costliest: [OBJECTS, INFLATE, OBJECTS, INFLATE] };

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-hostile-'));
  const server = await startPassmint({ PASSMINT_DATA_DIR: dataDir });
  const pid = server.child.pid ?? 0;
  const uploads = new Pool(server.url, { connections: 8 });
  try {
    const auth = { authorization: `Bearer ${server.key}` };
    const probes: Record<string, () => OpenLoopRequest> = {
      'GET /healthz': () => ({ method: 'GET', path: '/healthz', headers: {} }),
      'POST /api/passes': () => ({ method: 'POST', path: '/api/passes', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(API_EXAMPLE_BODIES.create) }),
    };
    // Warm-up: the pass path compiled, both validation workers loaded and used on every kind.
    await runOpenLoop(server.url, 50, 2, probes['POST /api/passes']!);
    for (const kind of [LIAR, FIVE_MILLION, OBJECTS, INFLATE]) await Promise.all([uploadOnce(uploads, auth, kind), uploadOnce(uploads, auth, kind)]);
    const rest = await runProbes(server.url, probes);
    const phases: PhaseResult[] = [];
    for (const [name, kinds] of Object.entries(PHASES)) {
      const restRss = residentMb(pid).now;
      const peakReset = resetPeakResident(pid);
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const sampler = sampleResident(pid, RSS_SAMPLE_MS);
      let running = true;
      const lanes = kinds.map((kind) => ({ kind, answers: [] as Answer[] }));
      const uploading = lanes.map(async (lane) => {
        while (running) lane.answers.push(await uploadOnce(uploads, auth, lane.kind));
      });
      const during = await runProbes(server.url, probes).finally(() => (running = false));
      await Promise.all(uploading);
      const sampledPeak = sampler.stop();
      const cpu = process.cpuUsage(cpuBefore);
      const generatorCores = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
      phases.push({ name, probes: during, lanes, rss: { rest: restRss, peak: peakReset ? Math.max(sampledPeak, residentMb(pid).peak) : sampledPeak }, generatorCores });
    }
    report(rest, phases);
  } finally {
    await uploads.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runProbes(url: string, probes: Record<string, () => OpenLoopRequest>): Promise<Record<string, OpenLoopResult>> {
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => runOpenLoop(url, PROBE_RATE, SECONDS, probes[name]!)));
  return Object.fromEntries(names.map((name, index) => [name, results[index]!]));
}

async function uploadOnce(pool: Pool, auth: Record<string, string>, kind: Kind): Promise<Answer> {
  const started = performance.now();
  const response = await pool.request({ method: 'POST', path: '/api/validate', headers: { ...auth, 'content-type': 'application/vnd.apple.pkpass' }, body: kind.bytes });
  const body = (await response.body.json()) as { code?: string };
  return { ms: performance.now() - started, status: response.statusCode, ...(body.code ? { code: body.code } : {}) };
}

function report(rest: Record<string, OpenLoopResult>, phases: PhaseResult[]): void {
  console.log('');
  console.log(`passmint serve under hostile uploads; node ${process.version}, ${availableParallelism()} CPUs (load generator included); ${SECONDS} s a phase`);
  console.log(`probes: ${PROBE_RATE} requests/s each, evenly spaced, timed from when due; four upload lanes back to back`);
  console.log('');
  console.log(['probe'.padEnd(18), 'phase'.padEnd(10), 'requests'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'max ms'.padStart(8), 'non-2xx'.padStart(8)].join(' '));
  for (const name of Object.keys(rest)) {
    for (const [phase, result] of [['rest', rest[name]!], ...phases.map((each) => [each.name, each.probes[name]!] as const)] as const) {
      console.log([name.padEnd(18), phase.padEnd(10), String(result.requests).padStart(9), ms(result.p50), ms(result.p99), ms(result.max), String(result.errors).padStart(8)].join(' '));
    }
  }
  console.log('');
  console.log(['upload'.padEnd(28), 'answers'.padStart(8), 'expected'.padStart(30), 'p50 ms'.padStart(8), 'max ms'.padStart(8), 'other'.padStart(6)].join(' '));
  const byKind = new Map<Kind, Answer[]>();
  for (const lane of phases.flatMap((phase) => phase.lanes)) byKind.set(lane.kind, [...(byKind.get(lane.kind) ?? []), ...lane.answers]);
  let unexpected = 0;
  for (const [kind, answers] of byKind) {
    const wrong = answers.filter((answer) => answer.status !== kind.status || answer.code !== kind.code).length;
    unexpected += wrong;
    const sorted = answers.map((answer) => answer.ms).sort((a, b) => a - b);
    console.log([kind.name.padEnd(28), String(answers.length).padStart(8), `${kind.status} ${kind.code ?? 'report'}`.padStart(30), ms(sorted[Math.floor(sorted.length / 2)] ?? 0), ms(sorted.at(-1) ?? 0), String(wrong).padStart(6)].join(' '));
  }
  console.log('');
  for (const phase of phases) {
    console.log(`${phase.name}: server RSS ${phase.rss.rest.toFixed(0)} MB before, peak ${phase.rss.peak.toFixed(0)} MB (+${(phase.rss.peak - phase.rss.rest).toFixed(0)} MB; kernel high-water mark and samples every ${RSS_SAMPLE_MS} ms); this load generator used ${phase.generatorCores.toFixed(2)} cores`);
  }
  const post = rest['POST /api/passes']!;
  const bombMs = [LIAR, FIVE_MILLION].flatMap((kind) => (byKind.get(kind) ?? []).map((answer) => answer.ms));
  const goals: [string, boolean][] = [[`each bomb answered with its code within a second (slowest ${Math.max(...bombMs).toFixed(0)} ms)`, Math.max(...bombMs) < 1000]];
  for (const phase of phases) {
    const healthz = phase.probes['GET /healthz']!;
    const posts = phase.probes['POST /api/passes']!;
    goals.push(
      [`${phase.name}: /healthz under 200 ms (max ${healthz.max.toFixed(1)} ms)`, healthz.max < 200],
      [`${phase.name}: POST /api/passes p99 under 3x rest (${posts.p99.toFixed(1)} vs ${(3 * post.p99).toFixed(1)} ms)`, posts.p99 < 3 * post.p99],
      [`${phase.name}: RSS within 200 MB of rest (+${(phase.rss.peak - phase.rss.rest).toFixed(0)} MB)`, phase.rss.peak - phase.rss.rest < 200],
    );
  }
  console.log('');
  for (const [goal, met] of goals) console.log(`goal ${goal}: ${met ? 'MET' : 'NOT MET'}`);
  const failed = unexpected + phases.reduce((sum, phase) => sum + Object.values(phase.probes).reduce((errors, probe) => errors + probe.errors, 0), 0);
  if (failed > 0) console.log(`FAILED: ${failed} answers were not what they should be`);
  console.log(
    JSON.stringify({
      restMs: { healthzP99: round(rest['GET /healthz']!.p99), postP99: round(post.p99) },
      phases: Object.fromEntries(
        phases.map((phase) => [
          phase.name,
          { healthzMaxMs: round(phase.probes['GET /healthz']!.max), postP99Ms: round(phase.probes['POST /api/passes']!.p99), rssMb: { before: Math.round(phase.rss.rest), peak: Math.round(phase.rss.peak) }, uploads: phase.lanes.reduce((sum, lane) => sum + lane.answers.length, 0) },
        ]),
      ),
      slowestBombMs: round(Math.max(...bombMs)),
    }),
  );
  if (failed > 0) process.exitCode = 1;
}

function ms(value: number): string {
  return value.toFixed(1).padStart(8);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
