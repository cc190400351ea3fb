import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchConfig } from './config';
import { forkSide } from './fork-side';
import { makeFixture } from './make-fixture';
import { failingPassmintPasses, printReport, type Results } from './report';
import { SIDE_LABELS, SIDES, type Side, type SideResult, type ValidationSummary } from './side-result';

/**
 * The parent: makes the identity and images once, then runs each side in its own child process,
 * one after the other so they never share the CPUs. Returns the exit code.
 */
/**
 * Each side but passkit-generator runs `rounds` times, the sides taking turns, and the median run
 * stands for it: on a shared virtual machine one run can land on a slow second.
 */
async function runRounds(workDir: string, rounds: number): Promise<Record<Side, SideResult[]>> {
  const runs = Object.fromEntries(SIDES.map((side) => [side, [] as SideResult[]])) as Record<Side, SideResult[]>;
  for (let round = 1; round <= rounds; round++) {
    for (const side of SIDES) {
      if (side === 'peer' && round > 1) continue;
      runs[side].push(await forkSide(side, workDir));
      console.log(`  round ${round}: ${SIDE_LABELS[side]} done`);
    }
  }
  return runs;
}

/** The run with the median throughput; its validation counts every pass of every run. */
function medianRun(runs: SideResult[]): SideResult {
  const sorted = [...runs].sort((a, b) => a.timing.perSecond - b.timing.perSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const validations = runs.flatMap((run) => (run.validation ? [run.validation] : []));
  return validations.length > 0 ? { ...median, validation: mergeValidations(validations) } : median;
}

function mergeValidations(validations: ValidationSummary[]): ValidationSummary {
  const addCounts = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [code, count] of Object.entries(from)) into[code] = (into[code] ?? 0) + count;
    return into;
  };
  return validations.reduce((sum, validation) => ({
    checked: sum.checked + validation.checked,
    passesWithErrors: sum.passesWithErrors + validation.passesWithErrors,
    errorCodes: addCounts({ ...sum.errorCodes }, validation.errorCodes),
    warningCodes: addCounts({ ...sum.warningCodes }, validation.warningCodes),
    firstErrors: [...sum.firstErrors, ...validation.firstErrors].slice(0, 5),
  }));
}

export async function runBench(): Promise<number> {
  const config = benchConfig();
  const workDir = mkdtempSync(join(tmpdir(), 'passmint-bench-'));
  try {
    makeFixture(workDir);
    console.log(
      `Passmint ${config.passmintCount} passes (one thread, and thread pool with ${config.concurrency} in flight), passkit-generator ${config.peerCount} passes, bare RSA ${config.rsaCount} signatures (both ways); ${config.rounds} rounds`,
    );
    const runs = await runRounds(workDir, config.rounds);
    const results = Object.fromEntries(SIDES.map((side) => [side, medianRun(runs[side])])) as Results;
    printReport(results, config, runs);
    return failingPassmintPasses(results) > 0 ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
