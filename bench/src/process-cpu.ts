import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in these ticks on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** A process, or one thread of it (`thread`: its id; a process's main thread has the process's id). */
export type CpuSource = number | { pid: number; thread: number };

/** CPU seconds (user and system) a process or thread has used so far, from /proc. */
export function cpuSeconds(source: CpuSource): number {
  const path = typeof source === 'number' ? `/proc/${source}/stat` : `/proc/${source.pid}/task/${source.thread}/stat`;
  const stat = readFileSync(path, 'utf8');
  // The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds all the machine's cores together have spent idle so far (idle and iowait, from /proc/stat). */
export function idleSeconds(): number {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (ticks[3]! + ticks[4]!) / TICKS_PER_SECOND;
}

/** Starts counting; `stop` gives each source's CPU seconds meanwhile, and their share of one core (1 = a whole core). */
export function measureCpu(sources: Record<string, CpuSource>): { stop(): Record<string, { seconds: number; share: number }> } {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, cpuSeconds(source)]));
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      return Object.fromEntries(
        Object.entries(sources).map(([name, source]) => {
          const used = cpuSeconds(source) - before[name]!;
          return [name, { seconds: used, share: used / seconds }];
        }),
      );
    },
  };
}
