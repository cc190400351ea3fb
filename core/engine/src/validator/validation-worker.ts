import { parentPort } from 'node:worker_threads';
import type { ValidationJob, ValidationWorkerMessage } from './types';
import { validatePkpass } from './validate-pkpass';

/**
 * Entry of a validation worker thread: `@passmint/engine/validation-worker` resolves to this
 * file's build, so the server's pool starts it from plain JavaScript in production and in tests
 * alike. One job at a time; the pool enforces the time and heap limits from outside.
 */
const port = parentPort;
if (port === null) throw new Error('validation-worker.js runs only as a worker thread');

port.on('message', (job: ValidationJob) => {
  const { passJson: _passJson, ...report } = validatePkpass(job.bytes, job.options);
  port.postMessage({ kind: 'report', report } satisfies ValidationWorkerMessage);
});
port.postMessage({ kind: 'ready' } satisfies ValidationWorkerMessage);
