import { readFileSync, writeFileSync } from 'node:fs';

/** Resident set size of a process from /proc (Linux), in MB; `peak` is the kernel's high-water mark. */
export function residentMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

/** Restarts the high-water mark at the current size (proc(5), clear_refs "5"); false where not allowed. */
export function resetPeakResident(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the largest sample. */
export function sampleResident(pid: number, intervalMs: number): { stop(): number } {
  let max = residentMb(pid).now;
  const timer = setInterval(() => {
    max = Math.max(max, residentMb(pid).now);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, residentMb(pid).now);
    },
  };
}
