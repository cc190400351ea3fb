import { join } from 'node:path';
import { readFixture, type BenchFixture } from './bench-fixture';
import { benchConfig, type BenchConfig } from './config';
import { discardOutputs, spoolWriter } from './pass-spool';
import { POOL_SIDES, type Side, type SideResult, type TimingSummary } from './side-result';
import { measure, measureConcurrent, warmUp, warmUpConcurrent, type OutputSink, type Workload } from './timing';

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
  const signsOnly = side === 'rsa' || side === 'rsaPool';
  const sink: OutputSink = signsOnly ? discardOutputs : spoolWriter(passDir, side);
  const timing = POOL_SIDES.includes(side)
    ? await timePooled(workload, { warmUpCount, count, config }, sink)
    : timeInline(workload, { warmUpCount, count, config }, sink);
  const result: SideResult = { side, timing, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  if (!signsOnly) {
    const { checkSpooledPasses } = await import('./pass-checks.js');
    result.validation = checkSpooledPasses(passDir, side, fixture.pems.caCertificatePem);
  }
  await sendToParent(result);
}

interface Plan {
  warmUpCount: number;
  count: number;
  config: BenchConfig;
}

function timeInline(workload: Workload<unknown>, { warmUpCount, count, config }: Plan, sink: OutputSink): TimingSummary {
  warmUp(workload, warmUpCount, sink);
  return measure(workload, { firstIndex: warmUpCount, count, chunkSize: config.chunkSize }, sink);
}

async function timePooled(workload: Workload<unknown>, { warmUpCount, count, config }: Plan, sink: OutputSink): Promise<TimingSummary> {
  await warmUpConcurrent(workload, warmUpCount, config.concurrency, sink);
  return measureConcurrent(
    workload,
    { firstIndex: warmUpCount, count, chunkSize: config.chunkSize, concurrency: config.concurrency },
    sink,
  );
}

function planFor(side: Side, config: BenchConfig): { warmUpCount: number; count: number } {
  if (side === 'passmint' || side === 'passmintEvent' || side === 'passmintPool') {
    return { warmUpCount: config.passmintWarmUp, count: config.passmintCount };
  }
  if (side === 'peer') return { warmUpCount: config.peerWarmUp, count: config.peerCount };
  return { warmUpCount: config.rsaWarmUp, count: config.rsaCount };
}

async function loadWorkload(side: Side, fixture: BenchFixture): Promise<Workload<unknown>> {
  if (side === 'passmint' || side === 'passmintPool') return (await import('./passmint-workload.js')).passmintWorkload(fixture);
  if (side === 'passmintEvent') return (await import('./passmint-workload.js')).passmintWorkload(fixture, 'eventTicket');
  if (side === 'peer') return (await import('./peer-workload.js')).peerWorkload(fixture);
  return (await import('./rsa-workload.js')).rsaWorkload(fixture);
}

function sendToParent(result: SideResult): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('run the bench through sign-bench.js without arguments; the side processes are its children');
  return new Promise((resolve, reject) => send(result, undefined, {}, (error) => (error ? reject(error) : resolve())));
}
