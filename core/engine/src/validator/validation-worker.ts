import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { PassmintError } from '../errors';
import type { ValidationJob, ValidationWorkerData, ValidationWorkerMessage } from './types';
import { validatePkpass } from './validate-pkpass';

/**
 * Entry of a validation worker thread: `@passmint/engine/validation-worker` resolves to this
 * file's build, so the server's pool starts it from plain JavaScript in production and in tests
 * alike. One job at a time; the pool enforces the time and heap limits from outside.
 */
const port = parentPort;
if (port === null) throw new PassmintError('internal_error', 'validation-worker.js runs only as a worker thread');
lowerThreadPriority((workerData as ValidationWorkerData | undefined)?.niceness ?? 0);

port.on('message', (job: ValidationJob) => {
  const { passJson: _passJson, ...report } = validatePkpass(job.bytes, job.options);
  port.postMessage({ kind: 'report', report } satisfies ValidationWorkerMessage);
});
port.postMessage({ kind: 'ready' } satisfies ValidationWorkerMessage);

/**
 * Linux keeps a nice value per thread, and setpriority(2) with pid 0 changes only the calling
 * thread's (see "NOTES" in the man page); elsewhere it would change the whole process, so the
 * worker is left as it is there.
 * @see https://man7.org/linux/man-pages/man2/setpriority.2.html
 */
function lowerThreadPriority(niceness: number): void {
  if (process.platform !== 'linux') return;
  try {
    if (niceness > getPriority(0)) setPriority(0, niceness);
  } catch {
    // Not permitted here: the worker keeps the process's priority.
  }
}
