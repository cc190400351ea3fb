import { Worker } from 'node:worker_threads';
import type { ValidateOptions, ValidationJob, ValidationWorkerData, ValidationWorkerMessage, WorkerReport } from '@passmint/engine';
import { ValidationFailedError } from './validation-failed-error';

export interface WorkerLimits {
  /** How long one validation may run before its worker is stopped. */
  timeoutMs: number;
  /** The worker's old-generation heap (V8 `resourceLimits.maxOldGenerationSizeMb`). */
  heapMb: number;
}

export type WorkerState = 'starting' | 'idle' | 'busy' | 'stopped';

/** One worker thread that validates one upload at a time. */
export interface ValidationWorker {
  readonly state: WorkerState;
  run(bytes: Uint8Array, options: ValidateOptions): Promise<WorkerReport>;
  stop(): Promise<void>;
}

export interface WorkerEvents {
  /** The worker has loaded and takes jobs. */
  ready(): void;
  /** The thread is gone; `everReady` is false when it died while loading. */
  died(everReady: boolean): void;
}

/**
 * The engine's exports map points at its built JavaScript, so the same file is started in
 * production and when tests run the server from TypeScript (a Worker cannot load .ts).
 */
const WORKER_FILE = require.resolve('@passmint/engine/validation-worker');

/**
 * Validation is CPU work nobody waits on but the uploader: at nice 10 (Linux) the threads that
 * answer /healthz and the pass API get the cores first when workers and requests compete.
 */
const WORKER_NICENESS = 10;

interface RunningJob {
  resolve(report: WorkerReport): void;
  reject(error: ValidationFailedError): void;
  timer: NodeJS.Timeout;
}

export function startValidationWorker(limits: WorkerLimits, events: WorkerEvents): ValidationWorker {
  const thread = new Worker(WORKER_FILE, {
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
    workerData: { niceness: WORKER_NICENESS } satisfies ValidationWorkerData,
  });
  // An idle worker must not keep the process alive; a busy one is referenced while it works.
  thread.unref();
  let state: WorkerState = 'starting';
  let everReady = false;
  let job: RunningJob | undefined;
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));

  const settle = (outcome: { report: WorkerReport } | { error: ValidationFailedError }) => {
    const current = job;
    if (current === undefined) return;
    job = undefined;
    clearTimeout(current.timer);
    thread.unref();
    if ('report' in outcome) {
      state = 'idle';
      current.resolve(outcome.report);
    } else {
      current.reject(outcome.error);
    }
  };

  thread.on('message', (message: ValidationWorkerMessage) => {
    if (message.kind === 'ready') {
      state = 'idle';
      everReady = true;
      events.ready();
    } else {
      settle({ report: message.report });
    }
  });
  thread.on('error', (error: Error & { code?: string }) => {
    state = 'stopped';
    settle({ error: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemory(limits) : failed(error) });
  });
  thread.on('exit', () => {
    state = 'stopped';
    settle({ error: failed(new Error('the worker thread exited')) });
    events.died(everReady);
  });

  return {
    get state() {
      return state;
    },
    run(bytes, options) {
      if (state !== 'idle') return Promise.reject(failed(new Error(`the worker is ${state}`)));
      state = 'busy';
      thread.ref();
      return new Promise<WorkerReport>((resolve, reject) => {
        const timer = setTimeout(() => {
          state = 'stopped';
          settle({ error: timedOut(limits) });
          void thread.terminate();
        }, limits.timeoutMs);
        job = { resolve, reject, timer };
        // A copy of just this view, handed over without a second copy.
        const copy = new Uint8Array(bytes);
        thread.postMessage({ bytes: copy, options } satisfies ValidationJob, [copy.buffer]);
      });
    },
    async stop() {
      state = 'stopped';
      await thread.terminate();
      await exited;
    },
  };
}

function timedOut(limits: WorkerLimits): ValidationFailedError {
  return new ValidationFailedError(
    'validation_timed_out',
    `Validating this file took longer than ${limits.timeoutMs} ms, so it was stopped; a real pass takes a fraction of that.`,
  );
}

function outOfMemory(limits: WorkerLimits): ValidationFailedError {
  return new ValidationFailedError(
    'validation_out_of_memory',
    `Validating this file needed more than ${limits.heapMb} MB of memory, so it was stopped; a real pass needs a fraction of that.`,
  );
}

function failed(error: Error): ValidationFailedError {
  return new ValidationFailedError('validation_failed', `The validator stopped unexpectedly (${error.message}).`);
}
