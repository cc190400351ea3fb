import { readFixture, type BenchFixture } from './bench-fixture';
import { benchConfig, type BenchConfig } from './config';
import { validatingSink } from './pass-checks';
import { runSlices, warmUp, type SlicedSide } from './slices';
import { medianRate } from './slice-stats';
import { GROUPS, type Group, type GroupResult, type Side, type SideResult, type ValidationSummary } from './side-result';
import { percentile, type Workload } from './timing';

/**
 * The child-process half: warm up the group's sides, time them in interleaved slices, then report
 * to the parent. Each library is imported only here, so a child's memory is its own group's.
 */
export async function runGroup(group: Group, workDir: string): Promise<void> {
  const config = benchConfig();
  const fixture = readFixture(workDir);
  const plan = planFor(group, config);
  const sides: (SlicedSide & { validation?: ValidationSummary })[] = [];
  for (const side of GROUPS[group]) {
    const workload = await loadWorkload(side, fixture);
    const checks = side === 'rsa' || side === 'rsaPool' ? undefined : validatingSink(fixture.pems.caCertificatePem);
    await warmUp(workload, side === 'rsa' || side === 'rsaPool' ? config.rsaWarmUp : plan.warmUp, plan.concurrency);
    sides.push({ side, workload, sink: checks?.sink ?? (() => undefined), validation: checks?.summary });
  }
  const times = await runSlices(sides, { ...plan, firstIndex: plan.warmUp });
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const results: SideResult[] = sides.map(({ side, validation }) => {
    const { sliceNs, sliceCpuNs, latenciesMs } = times.get(side)!;
    const sorted = latenciesMs.sort((a, b) => a - b);
    const timing = {
      count: sorted.length,
      perSecond: medianRate(sliceNs, plan.passesPerSlice),
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
    };
    return { side, timing, sliceNs, sliceCpuNs, ...(validation ? { validation } : {}) };
  });
  const stages = group === 'thread' ? await breakdowns(fixture, config) : undefined;
  await sendToParent({ group, sides: results, peakRssMb, ...(stages ? { stages } : {}) });
}

interface GroupPlan {
  slices: number;
  passesPerSlice: number;
  warmUp: number;
  concurrency?: number;
}

function planFor(group: Group, config: BenchConfig): GroupPlan {
  if (group === 'peer') return { slices: Math.ceil(config.peerCount / 10), passesPerSlice: 10, warmUp: config.peerWarmUp };
  if (group === 'pool') {
    return {
      slices: config.slices,
      passesPerSlice: config.poolSlicePasses,
      warmUp: config.passmintWarmUp,
      concurrency: config.concurrency,
    };
  }
  return { slices: config.slices, passesPerSlice: config.slicePasses, warmUp: config.passmintWarmUp };
}

async function breakdowns(fixture: BenchFixture, config: BenchConfig) {
  const { stageBreakdowns } = await import('./stage-breakdown.js');
  return stageBreakdowns(fixture, ['loyalty', 'eventTicket'], config.stagePasses);
}

async function loadWorkload(side: Side, fixture: BenchFixture): Promise<Workload<unknown>> {
  if (side === 'passmint' || side === 'passmintPool') return (await import('./passmint-workload.js')).passmintWorkload(fixture);
  if (side === 'passmintEvent') return (await import('./passmint-workload.js')).passmintWorkload(fixture, 'eventTicket');
  if (side === 'peer') return (await import('./peer-workload.js')).peerWorkload(fixture);
  return (await import('./rsa-workload.js')).rsaWorkload(fixture);
}

function sendToParent(result: GroupResult): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('run the bench through sign-bench.js without arguments; the groups run as its children');
  return new Promise((resolve, reject) => send(result, undefined, {}, (error) => (error ? reject(error) : resolve())));
}
