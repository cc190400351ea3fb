import type { ValidateOptions, WorkerReport } from '@passmint/engine';
import { ValidationFailedError } from './validation-failed-error';
import { startValidationWorker, type ValidationWorker, type WorkerLimits } from './validation-worker';

export interface ValidationPoolSettings extends WorkerLimits {
  /** Worker threads at most; each is started on first need and kept. */
  workers: number;
  /** Uploads that may wait for a worker; one more is refused at once. */
  queueLimit: number;
}

export interface ValidationPool {
  /** Validates on a worker thread: never on the caller's event loop, never longer than the time limit. */
  validate(bytes: Uint8Array, options: ValidateOptions): Promise<WorkerReport>;
  /** Workers alive, jobs running, jobs waiting. */
  stats(): { workers: number; running: number; queued: number };
  /** Refuses what waits and stops every worker. */
  close(): Promise<void>;
}

interface Job {
  bytes: Uint8Array;
  options: ValidateOptions;
  resolve(report: WorkerReport): void;
  reject(error: Error): void;
}

/**
 * A few worker threads, each with a heap limit, that validate one upload at a time under a time
 * limit. A worker that runs out of time or heap is stopped and a fresh one takes the next job.
 */
export function createValidationPool(settings: ValidationPoolSettings): ValidationPool {
  const workers = new Set<ValidationWorker>();
  const stopping = new Set<Promise<void>>();
  const queue: Job[] = [];
  let closed = false;

  const retire = (worker: ValidationWorker) => {
    workers.delete(worker);
    const stopped = worker.stop().finally(() => stopping.delete(stopped));
    stopping.add(stopped);
  };

  const startWorker = () => {
    const worker = startValidationWorker(settings, {
      ready: () => dispatch(),
      died: (everReady) => {
        workers.delete(worker);
        // A worker that dies while loading fails the job it was started for, so a broken install cannot respawn forever.
        if (!everReady) queue.shift()?.reject(new ValidationFailedError('validation_failed', 'The validator could not start.'));
        dispatch();
      },
    });
    workers.add(worker);
  };

  const run = (worker: ValidationWorker, job: Job) => {
    worker.run(job.bytes, job.options).then(
      (report) => {
        job.resolve(report);
        dispatch();
      },
      (error: ValidationFailedError) => {
        job.reject(error);
        retire(worker);
        dispatch();
      },
    );
  };

  function dispatch(): void {
    if (closed) return;
    for (const worker of workers) {
      const job = worker.state === 'idle' ? queue.shift() : undefined;
      if (job !== undefined) run(worker, job);
    }
    const starting = [...workers].filter((worker) => worker.state === 'starting').length;
    for (let missing = queue.length - starting; missing > 0 && workers.size < settings.workers; missing -= 1) startWorker();
  }

  return {
    validate(bytes, options) {
      if (closed)
        return Promise.reject(
          new ValidationFailedError('validation_busy', 'The server is shutting down; validate the pass again elsewhere.'),
        );
      const running = [...workers].filter((worker) => worker.state === 'busy').length;
      const free = settings.workers - running;
      if (queue.length >= free + settings.queueLimit) {
        return Promise.reject(
          new ValidationFailedError('validation_busy', 'Too many passes are being validated right now; retry in a moment.'),
        );
      }
      return new Promise<WorkerReport>((resolve, reject) => {
        queue.push({ bytes, options, resolve, reject });
        dispatch();
      });
    },
    stats() {
      const running = [...workers].filter((worker) => worker.state === 'busy').length;
      return { workers: workers.size, running, queued: queue.length };
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0))
        job.reject(new ValidationFailedError('validation_busy', 'The server is shutting down; validate the pass again elsewhere.'));
      for (const worker of [...workers]) retire(worker);
      await Promise.all([...stopping]);
    },
  };
}
