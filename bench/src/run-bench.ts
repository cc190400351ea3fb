import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchConfig } from './config';
import { forkSide } from './fork-side';
import { makeFixture } from './make-fixture';
import { failingPassmintPasses, printReport, type Results } from './report';
import { SIDE_LABELS, SIDES } from './side-result';

/**
 * The parent: makes the identity and images once, then runs each side in its own child process,
 * one after the other so they never share the CPUs. Returns the exit code.
 */
export async function runBench(): Promise<number> {
  const config = benchConfig();
  const workDir = mkdtempSync(join(tmpdir(), 'passmint-bench-'));
  try {
    makeFixture(workDir);
    console.log(`Passmint ${config.passmintCount} passes (one thread, then thread pool with ${config.concurrency} in flight), passkit-generator ${config.peerCount} passes, bare RSA ${config.rsaCount} signatures (both ways)`);
    const results = {} as Results;
    for (const side of SIDES) {
      results[side] = await forkSide(side, workDir);
      console.log(`  ${SIDE_LABELS[side]}: done`);
    }
    printReport(results, config);
    return failingPassmintPasses(results) > 0 ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
