import type { Side } from './side-result';
import { timeInline, timePooled, type OutputSink, type Stretch, type Workload } from './timing';

export interface SlicedSide {
  side: Side;
  workload: Workload<unknown>;
  sink: OutputSink;
}

export interface SlicePlan {
  slices: number;
  passesPerSlice: number;
  /** Index of the first timed item: the warm-up used the ones before. */
  firstIndex: number;
  /** Items in flight on the thread pool; absent: one after another on the calling thread. */
  concurrency?: number;
}

export interface SlicedTimes {
  sliceNs: number[];
  sliceCpuNs: number[];
  latenciesMs: number[];
}

/**
 * The sides take turns in short slices, each starting the round in turn, so a noisy neighbour or a
 * slow second lands on all of them alike and the per-slice ratios cancel it out.
 */
export async function runSlices(sides: SlicedSide[], plan: SlicePlan): Promise<Map<Side, SlicedTimes>> {
  const times = new Map(
    sides.map(({ side }) => [side, { sliceNs: [] as number[], sliceCpuNs: [] as number[], latenciesMs: [] as number[] }]),
  );
  for (let slice = 0; slice < plan.slices; slice++) {
    const firstIndex = plan.firstIndex + slice * plan.passesPerSlice;
    // Outputs go to the sinks (validation) once the round is over: the garbage that makes lands
    // on whichever side opens the next round, and that side changes every round.
    const made: (() => void)[] = [];
    for (let turn = 0; turn < sides.length; turn++) {
      const { side, workload, sink } = sides[(slice + turn) % sides.length]!;
      const stretch = await timeSlice(workload, firstIndex, plan, (outputs, first) => made.push(() => sink(outputs, first)));
      const sideTimes = times.get(side)!;
      sideTimes.sliceNs.push(stretch.ns);
      sideTimes.sliceCpuNs.push(stretch.cpuNs);
      for (const latency of stretch.latenciesMs) sideTimes.latenciesMs.push(latency);
    }
    for (const deliver of made) deliver();
  }
  return times;
}

function timeSlice(workload: Workload<unknown>, firstIndex: number, plan: SlicePlan, sink: OutputSink): Promise<Stretch> | Stretch {
  if (plan.concurrency === undefined) return timeInline(workload, firstIndex, plan.passesPerSlice, sink);
  return timePooled(workload, { firstIndex, count: plan.passesPerSlice, concurrency: plan.concurrency }, sink);
}

/** Untimed runs before the slices, so the clock times compiled code rather than the compiler. */
export async function warmUp(workload: Workload<unknown>, count: number, concurrency?: number): Promise<void> {
  const discard: OutputSink = () => undefined;
  if (concurrency === undefined) timeInline(workload, 0, count, discard);
  else await timePooled(workload, { firstIndex: 0, count, concurrency }, discard);
}
