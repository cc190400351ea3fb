import { Worker } from 'node:worker_threads';

/**
 * How a client starts its thread: `new Worker(file)` by default, or a caller's own function, which
 * can keep the Worker (to watch it, or stop it as a crash would).
 */
export type StartThread = (file: string) => Worker;

export const startWorkerThread: StartThread = (file) => new Worker(file);
