import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchConfig } from './config';
import { forkGroup } from './fork-group';
import { makeFixture } from './make-fixture';
import { failingPassmintPasses, printReport } from './report';
import { GROUPS, type Group, type GroupResult } from './side-result';

/**
 * The parent: makes the identity and images once, then runs each group of sides in its own child
 * process, one group after the other so they never share the CPUs. Returns the exit code.
 */
export async function runBench(): Promise<number> {
  const config = benchConfig();
  const workDir = mkdtempSync(join(tmpdir(), 'passmint-bench-'));
  try {
    makeFixture(workDir);
    console.log(
      `${config.slices} slices of ${config.slicePasses} passes per side on one thread (${config.poolSlicePasses} on the thread pool), ` +
        `sides taking turns; passkit-generator ${config.peerCount} passes`,
    );
    const results: GroupResult[] = [];
    for (const group of Object.keys(GROUPS) as Group[]) {
      results.push(await forkGroup(group, workDir));
      console.log(`  ${group} done`);
    }
    printReport(results, config);
    return failingPassmintPasses(results) > 0 ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
