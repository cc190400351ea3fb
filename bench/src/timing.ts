import type { TimingSummary } from './side-result';

/** One unit of work: `prepare` makes its input outside the clock, `run` is what gets timed. */
export interface Workload<Input> {
  prepare(index: number): Input;
  run(input: Input): Uint8Array;
  /** The same work with the signature made on the thread pool, where the library can do that. */
  runAsync?(input: Input): Promise<Uint8Array>;
}

/** Receives each batch of outputs between timed stretches; `firstIndex` numbers the first one. */
export type OutputSink = (outputs: Uint8Array[], firstIndex: number) => void;

export function warmUp<Input>(workload: Workload<Input>, count: number, sink: OutputSink): void {
  const outputs: Uint8Array[] = [];
  for (let index = 0; index < count; index++) outputs.push(workload.run(workload.prepare(index)));
  sink(outputs, 0);
}

/**
 * Times `count` runs in chunks. The clock stops between chunks so the sink can write the outputs
 * away: that keeps memory flat without putting the writes into the measurement.
 */
export function measure<Input>(
  workload: Workload<Input>,
  plan: { firstIndex: number; count: number; chunkSize: number },
  sink: OutputSink,
): TimingSummary {
  const latenciesMs: number[] = [];
  let elapsedNs = 0n;
  for (let offset = 0; offset < plan.count; offset += plan.chunkSize) {
    const firstIndex = plan.firstIndex + offset;
    const inputs = indices(firstIndex, Math.min(plan.chunkSize, plan.count - offset)).map((index) => workload.prepare(index));
    const started = process.hrtime.bigint();
    const outputs = inputs.map((input) => timedRun(workload, input, latenciesMs));
    elapsedNs += process.hrtime.bigint() - started;
    sink(outputs, firstIndex);
  }
  return summarise(latenciesMs, elapsedNs);
}

/**
 * Like `measure`, but keeps `concurrency` passes in flight through `runAsync`, so the signatures
 * run on the thread pool while the main thread prepares the next passes. Latency is from start to
 * finish of each pass, queueing included.
 */
export async function measureConcurrent<Input>(
  workload: Workload<Input>,
  plan: { firstIndex: number; count: number; chunkSize: number; concurrency: number },
  sink: OutputSink,
): Promise<TimingSummary> {
  const runAsync = workload.runAsync?.bind(workload);
  if (!runAsync) throw new Error('this workload has no thread-pool variant');
  const latenciesMs: number[] = [];
  let elapsedNs = 0n;
  for (let offset = 0; offset < plan.count; offset += plan.chunkSize) {
    const firstIndex = plan.firstIndex + offset;
    const inputs = indices(firstIndex, Math.min(plan.chunkSize, plan.count - offset)).map((index) => workload.prepare(index));
    const outputs: Uint8Array[] = new Array(inputs.length);
    let next = 0;
    const lane = async () => {
      for (let mine = next++; mine < inputs.length; mine = next++) {
        const started = process.hrtime.bigint();
        outputs[mine] = await runAsync(inputs[mine]!);
        latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    };
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: plan.concurrency }, lane));
    elapsedNs += process.hrtime.bigint() - started;
    sink(outputs, firstIndex);
  }
  return summarise(latenciesMs, elapsedNs);
}

export async function warmUpConcurrent<Input>(
  workload: Workload<Input>,
  count: number,
  concurrency: number,
  sink: OutputSink,
): Promise<void> {
  await measureConcurrent(workload, { firstIndex: 0, count, chunkSize: count, concurrency }, sink);
}

function timedRun<Input>(workload: Workload<Input>, input: Input, latenciesMs: number[]): Uint8Array {
  const started = process.hrtime.bigint();
  const output = workload.run(input);
  latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  return output;
}

function indices(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, offset) => first + offset);
}

function summarise(latenciesMs: number[], elapsedNs: bigint): TimingSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    perSecond: sorted.length / (Number(elapsedNs) / 1e9),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}
