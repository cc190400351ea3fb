/** One unit of work: `prepare` makes its input outside the clock, `run` is what gets timed. */
export interface Workload<Input> {
  prepare(index: number): Input;
  run(input: Input): Uint8Array;
  /** The same work with the signature made on the thread pool, where the library can do that. */
  runAsync?(input: Input): Promise<Uint8Array>;
}

/** Receives each batch of outputs between timed stretches; `firstIndex` numbers the first one. */
export type OutputSink = (outputs: Uint8Array[], firstIndex: number) => void;

/** One timed stretch: its length and each item's latency (queueing included on the pool). */
export interface Stretch {
  ns: number;
  /** CPU time the process spent in the stretch (all its threads): immune to being descheduled. */
  cpuNs: number;
  latenciesMs: number[];
}

/** Runs `count` items one after another on the calling thread, outputs to the sink after the clock stops. */
export function timeInline<Input>(workload: Workload<Input>, firstIndex: number, count: number, sink: OutputSink): Stretch {
  const inputs = indices(firstIndex, count).map((index) => workload.prepare(index));
  const outputs: Uint8Array[] = new Array(count);
  const latenciesMs: number[] = new Array(count);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let before = started;
  for (let index = 0; index < count; index++) {
    outputs[index] = workload.run(inputs[index]!);
    const after = process.hrtime.bigint();
    latenciesMs[index] = Number(after - before) / 1e6;
    before = after;
  }
  const ns = Number(before - started);
  const cpuNs = cpuNsSince(cpuBefore);
  sink(outputs, firstIndex);
  return { ns, cpuNs, latenciesMs };
}

/**
 * Keeps `concurrency` items in flight through `runAsync`, so the signatures run on the thread pool
 * while the main thread prepares the next passes.
 */
export async function timePooled<Input>(
  workload: Workload<Input>,
  plan: { firstIndex: number; count: number; concurrency: number },
  sink: OutputSink,
): Promise<Stretch> {
  const runAsync = workload.runAsync?.bind(workload);
  if (!runAsync) throw new Error('this workload has no thread-pool variant');
  const inputs = indices(plan.firstIndex, plan.count).map((index) => workload.prepare(index));
  const outputs: Uint8Array[] = new Array(inputs.length);
  const latenciesMs: number[] = [];
  let next = 0;
  const lane = async () => {
    for (let mine = next++; mine < inputs.length; mine = next++) {
      const started = process.hrtime.bigint();
      outputs[mine] = await runAsync(inputs[mine]!);
      latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: plan.concurrency }, lane));
  const ns = Number(process.hrtime.bigint() - started);
  const cpuNs = cpuNsSince(cpuBefore);
  sink(outputs, plan.firstIndex);
  return { ns, cpuNs, latenciesMs };
}

function cpuNsSince(before: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(before);
  return (user + system) * 1000;
}

function indices(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, offset) => first + offset);
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}
