import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyWorkZip, emptyObjectsBomb, sizeLiarBomb } from '@passmint/engine/testing';
import { spawnServer, type SpawnedServer } from '@passmint/cli/testing';
import { Pool } from 'undici';
import { type Answer, type Kind, PHASE_NOTES, type PhaseResult, runPhase, type Target, warmUp } from './hostile-phases';
import type { OpenLoopResult } from './open-loop';
import { PASSMINT_BIN, startPassmint } from './passmint-process';

/**
 * `npm run bench:hostile`: `passmint serve` as its own process, measured at rest (GET /healthz and
 * POST /api/passes, 20 requests/s each, evenly spaced), then the same while four lanes upload to
 * /api/validate back to back:
 * - "bombs": the two bombs of issue 15, twice each (1 GiB behind a 100-byte declaration; five
 *   million `{}`), with the rate limit lifted, so the lanes run as fast as the server answers;
 * - "costliest": the two archives within every limit that cost the validator most, twice each
 *   (a 1 MiB pass.json of 349,000 `{}`; 60 MiB of entries to inflate and hash);
 * - "bombs, 1 key": the bombs again from one API key under the default rate limit (20/s, burst
 *   40), against a second server ("rest, 2nd" is its rest phase); the probes use another key.
 * Rest phases run the probes alone, so their RSS line shows what the probes themselves add.
 * Goals (issue 15): /healthz under 200 ms and POST p99 under 3x its p99 at rest while they run;
 * each bomb answered with its 4xx and code within a second; peak RSS no more than 200 MB above
 * the rest phase's peak (the server's normal size with both workers loaded and the probes running).
 */

const SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS ?? 10);

const LIAR: Kind = { name: '1 GiB declared as 100 B', bytes: sizeLiarBomb(), status: 422, code: 'zip_entry_size_mismatch' };
const FIVE_MILLION: Kind = { name: 'five million {}', bytes: emptyObjectsBomb(), status: 422, code: 'zip_entry_too_large' };
const OBJECTS: Kind = { name: '1 MiB of {} (in limits)', bytes: emptyObjectsBomb(349_000), status: 200 };
const INFLATE: Kind = { name: '60 MiB inflated (in limits)', bytes: busyWorkZip(), status: 200 };
const BOMBS = [LIAR, FIVE_MILLION, LIAR, FIVE_MILLION];
const COSTLIEST = [OBJECTS, INFLATE, OBJECTS, INFLATE];

async function main(): Promise<void> {
  const phases = await withServer(false, async (target, pool) => {
    await warmUp(target, [LIAR, FIVE_MILLION, OBJECTS, INFLATE], pool);
    const rest = await runPhase(target, 'rest', [], undefined, SECONDS, pool);
    return [
      rest,
      await runPhase(target, 'bombs', BOMBS, rest, SECONDS, pool),
      await runPhase(target, 'costliest', COSTLIEST, rest, SECONDS, pool),
    ];
  });
  const limited = await withServer(true, async (target, pool) => {
    await warmUp(target, [LIAR, FIVE_MILLION], pool);
    const rest = await runPhase(target, 'rest, 2nd', [], undefined, SECONDS, pool);
    return [rest, await runPhase(target, 'bombs, 1 key', BOMBS, rest, SECONDS, pool)];
  });
  report([...phases, ...limited]);
}

/**
 * A fresh server for `run`. `rateLimited`: the default per-key limit, with the probes on a key of
 * their own; otherwise the limit is lifted (as in the other benches) and one key does everything.
 */
async function withServer<T>(rateLimited: boolean, run: (target: Target, pool: Pool) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-hostile-'));
  let server: SpawnedServer | undefined;
  let pool: Pool | undefined;
  try {
    server = rateLimited
      ? await spawnServer({ PASSMINT_DATA_DIR: dataDir }, { discardLog: true })
      : await startPassmint({ PASSMINT_DATA_DIR: dataDir });
    pool = new Pool(server.url, { connections: 8 });
    const probeKey = rateLimited ? keyOfNewTenant(dataDir, 'Probes') : server.key;
    return await run({ url: server.url, pid: server.child.pid ?? 0, probeKey, uploadKey: server.key }, pool);
  } finally {
    await pool?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function keyOfNewTenant(dataDir: string, name: string): string {
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [PASSMINT_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', PASSMINT_DATA_DIR: dataDir },
      encoding: 'utf8',
    }).trim();
  cli('tenants', 'create', name);
  return cli('keys', 'create', '--tenant', name);
}

function isExpected(kind: Kind, answer: Answer): boolean {
  return answer.status === kind.status && answer.code === kind.code;
}

function report(phases: PhaseResult[]): void {
  console.log('');
  console.log(
    `passmint serve under hostile uploads; node ${process.version}, ${availableParallelism()} CPUs (load generator included); ${SECONDS} s a phase`,
  );
  console.log(PHASE_NOTES);
  console.log('');
  console.log(
    [
      'probe'.padEnd(18),
      'phase'.padEnd(14),
      'requests'.padStart(9),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'max ms'.padStart(8),
      'non-2xx'.padStart(8),
    ].join(' '),
  );
  for (const name of Object.keys(phases[0]?.probes ?? {})) {
    for (const phase of phases) {
      const result = phase.probes[name]!;
      console.log(
        [
          name.padEnd(18),
          phase.name.padEnd(14),
          String(result.requests).padStart(9),
          ms(result.p50),
          ms(result.p99),
          ms(result.max),
          String(result.errors).padStart(8),
        ].join(' '),
      );
    }
  }
  console.log('');
  console.log(
    [
      'upload'.padEnd(28),
      'phase'.padEnd(14),
      'answers'.padStart(8),
      'expected'.padStart(28),
      'p50 ms'.padStart(8),
      'max ms'.padStart(8),
      '429'.padStart(6),
      'other'.padStart(6),
    ].join(' '),
  );
  let unexpected = 0;
  for (const phase of phases) {
    for (const kind of new Set(phase.lanes.map((lane) => lane.kind))) {
      const answers = phase.lanes.filter((lane) => lane.kind === kind).flatMap((lane) => lane.answers);
      const limited = answers.filter((answer) => answer.status === 429 && answer.code === 'rate_limited').length;
      const wrong = answers.filter((answer) => !isExpected(kind, answer)).length - limited;
      unexpected += wrong;
      const sorted = answers
        .filter((answer) => isExpected(kind, answer))
        .map((answer) => answer.ms)
        .sort((a, b) => a - b);
      console.log(
        [
          kind.name.padEnd(28),
          phase.name.padEnd(14),
          String(answers.length).padStart(8),
          `${kind.status} ${kind.code ?? 'report'}`.padStart(28),
          ms(sorted[Math.floor(sorted.length / 2)] ?? 0),
          ms(sorted.at(-1) ?? 0),
          String(limited).padStart(6),
          String(wrong).padStart(6),
        ].join(' '),
      );
    }
  }
  console.log('');
  for (const phase of phases) {
    console.log(
      `${phase.name}: server RSS ${phase.rss.before.toFixed(0)} MB before, peak ${phase.rss.peak.toFixed(0)} MB (+${(phase.rss.peak - phase.rss.before).toFixed(0)} MB); this load generator used ${phase.generatorCores.toFixed(2)} cores`,
    );
  }
  printGoals(phases);
  const failed =
    unexpected + phases.reduce((sum, phase) => sum + Object.values(phase.probes).reduce((errors, probe) => errors + probe.errors, 0), 0);
  if (failed > 0) console.log(`FAILED: ${failed} answers were not what they should be`);
  console.log(JSON.stringify(Object.fromEntries(phases.map((phase) => [phase.name, summary(phase)]))));
  if (failed > 0) process.exitCode = 1;
}

function printGoals(phases: PhaseResult[]): void {
  const bombMs = phases.flatMap((phase) =>
    phase.lanes
      .filter((lane) => lane.kind.status !== 200)
      .flatMap((lane) => lane.answers.filter((answer) => isExpected(lane.kind, answer)).map((answer) => answer.ms)),
  );
  const goals: [string, boolean][] = [
    [`each bomb answered with its code within a second (slowest ${Math.max(...bombMs).toFixed(0)} ms)`, Math.max(...bombMs) < 1000],
  ];
  for (const phase of phases.filter((each) => each.rest !== each)) {
    const healthz = phase.probes['GET /healthz']!;
    const post = phase.probes['POST /api/passes']!;
    const restPost = phase.rest.probes['POST /api/passes']!;
    goals.push(
      [`${phase.name}: /healthz under 200 ms (max ${healthz.max.toFixed(1)} ms)`, healthz.max < 200],
      [
        `${phase.name}: POST /api/passes p99 under 3x rest (${post.p99.toFixed(1)} vs ${(3 * restPost.p99).toFixed(1)} ms)`,
        post.p99 < 3 * restPost.p99,
      ],
      [
        `${phase.name}: peak RSS within 200 MB of the rest phase's (${signed(phase.rss.peak - phase.rest.rss.peak)} MB)`,
        phase.rss.peak - phase.rest.rss.peak < 200,
      ],
    );
  }
  console.log('');
  for (const [goal, met] of goals) console.log(`goal ${goal}: ${met ? 'MET' : 'NOT MET'}`);
}

function summary(phase: PhaseResult) {
  const at = (results: Record<string, OpenLoopResult>, name: string) => results[name]!;
  return {
    healthzMaxMs: round(at(phase.probes, 'GET /healthz').max),
    postP99Ms: round(at(phase.probes, 'POST /api/passes').p99),
    rssMb: { before: Math.round(phase.rss.before), peak: Math.round(phase.rss.peak) },
    uploads: phase.lanes.reduce((sum, lane) => sum + lane.answers.length, 0),
  };
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(0)}`;
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
