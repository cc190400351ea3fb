import { join } from 'node:path';
import { readFixture, type BenchFixture } from './bench-fixture';
import { benchConfig, type BenchConfig } from './config';
import { discardOutputs, spoolWriter } from './pass-spool';
import type { Side, SideResult } from './side-result';
import { measure, warmUp, type OutputSink, type Workload } from './timing';

/**
 * The child-process half: time one side, note the peak memory, then validate what it made and
 * report to the parent. Each library is imported only here, so a child's memory is its own side's.
 */
export async function runSide(side: Side, workDir: string): Promise<void> {
  const config = benchConfig();
  const fixture = readFixture(workDir);
  const { warmUpCount, count } = planFor(side, config);
  const workload = await loadWorkload(side, fixture);
  const passDir = join(workDir, 'passes');
  const sink: OutputSink = side === 'rsa' ? discardOutputs : spoolWriter(passDir, side);
  warmUp(workload, warmUpCount, sink);
  const timing = measure(workload, { firstIndex: warmUpCount, count, chunkSize: config.chunkSize }, sink);
  const result: SideResult = { side, timing, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  if (side !== 'rsa') {
    const { checkSpooledPasses } = await import('./pass-checks.js');
    result.validation = checkSpooledPasses(passDir, side, fixture.pems.caCertificatePem);
  }
  await sendToParent(result);
}

function planFor(side: Side, config: BenchConfig): { warmUpCount: number; count: number } {
  if (side === 'passmint') return { warmUpCount: config.passmintWarmUp, count: config.passmintCount };
  if (side === 'peer') return { warmUpCount: config.peerWarmUp, count: config.peerCount };
  return { warmUpCount: config.rsaWarmUp, count: config.rsaCount };
}

async function loadWorkload(side: Side, fixture: BenchFixture): Promise<Workload<unknown>> {
  if (side === 'passmint') return (await import('./passmint-workload.js')).passmintWorkload(fixture);
  if (side === 'peer') return (await import('./peer-workload.js')).peerWorkload(fixture);
  return (await import('./rsa-workload.js')).rsaWorkload(fixture);
}

function sendToParent(result: SideResult): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('run the bench through sign-bench.js without arguments; the side processes are its children');
  return new Promise((resolve, reject) => send(result, undefined, {}, (error) => (error ? reject(error) : resolve())));
}
