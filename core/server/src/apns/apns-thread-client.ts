import { Worker } from 'node:worker_threads';
import { createApnsClient, type ApnsClient, type ApnsClientOptions, type PushRequest, type PushResult } from './apns-client';
import type { ApnsThreadReply, ApnsThreadRequest } from './apns-thread-messages';

/**
 * The package's exports map points at the built JavaScript, so the same file runs in production
 * and when tests run the server from TypeScript (a Worker cannot load .ts).
 */
const THREAD_FILE = require.resolve('@passmint/server/apns-thread');

/** What the thread's client is made from: plain data (no clock function) crosses to the thread. */
export type ApnsThreadClientOptions = Omit<ApnsClientOptions, 'now'>;

interface Thread {
  worker: Worker;
  closed?: () => void;
}

/**
 * An APNs client whose HTTP/2 connection lives on a worker thread of its own. A fan-out to
 * 100,000 devices is 100,000 streams; opening and reading them costs the thread that owns the
 * connection most of its time, which on the main thread kept `/healthz` and the API waiting
 * 50–150 ms at a time. Here the main thread only posts each batch of pushes and reads back their
 * results. The thread starts at the first push and holds the process open only while pushes are
 * out; same contract as `createApnsClient` (never rejects; a thread that dies fails its pushes
 * as ConnectionError, which the push worker retries, and the next push starts a new thread).
 */
export function createThreadedApnsClient(options: ApnsThreadClientOptions): ApnsClient {
  // Bad configuration throws here, as createApnsClient does; it connects only at a first push.
  createApnsClient(options);
  const pending = new Map<number, (result: PushResult) => void>();
  let outgoing: [number, PushRequest][] = [];
  let nextId = 0;
  let connections = 0;
  let thread: Thread | undefined;
  let closed = false;

  function failAll(detail: string): void {
    const waiting = [...pending.values()];
    pending.clear();
    outgoing = [];
    for (const settle of waiting) settle({ ok: false, status: 0, reason: 'ConnectionError', detail });
  }

  function startThread(): Thread {
    const worker = new Worker(THREAD_FILE, { workerData: options });
    const started: Thread = { worker };
    worker.on('message', (reply: ApnsThreadReply) => {
      if (reply.kind === 'closed') {
        started.closed?.();
        return;
      }
      connections = reply.connections;
      for (const [id, result] of reply.results) {
        pending.get(id)?.(result);
        pending.delete(id);
      }
      if (pending.size === 0) worker.unref();
    });
    worker.on('error', (error) => failAll(`the APNs thread failed: ${error.message}`));
    worker.on('exit', () => {
      if (thread === started) thread = undefined;
      failAll('the APNs thread stopped');
      started.closed?.();
    });
    return started;
  }

  function post(): void {
    const pushes = outgoing;
    outgoing = [];
    if (pushes.length === 0 || closed) return;
    thread ??= startThread();
    thread.worker.ref();
    thread.worker.postMessage({ kind: 'send', pushes } satisfies ApnsThreadRequest);
  }

  return {
    send(request) {
      if (closed) return Promise.resolve({ ok: false, status: 0, reason: 'ConnectionError', detail: 'client closed' });
      return new Promise<PushResult>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        // The pushes of one turn of the event loop (a claimed batch) go over in one message.
        if (outgoing.push([id, request]) === 1) setImmediate(post);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      outgoing = [];
      const running = thread;
      if (running === undefined) return failAll('client closed');
      await new Promise<void>((resolve) => {
        running.closed = resolve;
        running.worker.ref();
        running.worker.postMessage({ kind: 'close' } satisfies ApnsThreadRequest);
      });
      failAll('client closed');
      await running.worker.terminate();
    },
    get connections() {
      return connections;
    },
  };
}
