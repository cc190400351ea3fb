import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in these ticks on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user and system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Starts counting; `stop` gives each process's CPU seconds meanwhile, and their share of one core (1 = a whole core). */
export function measureCpu(pids: Record<string, number>): { stop(): Record<string, { seconds: number; share: number }> } {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      return Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => {
          const used = cpuSeconds(pid) - before[name]!;
          return [name, { seconds: used, share: used / seconds }];
        }),
      );
    },
  };
}
