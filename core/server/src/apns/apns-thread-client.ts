import type { Worker } from 'node:worker_threads';
import { startWorkerThread, type StartThread } from '../workers/start-thread';
import { createApnsClient, type ApnsClient, type ApnsClientOptions, type PushRequest, type PushResult } from './apns-client';
import type { ApnsThreadReply, ApnsThreadRequest } from './apns-thread-messages';

/**
 * The package's exports map points at the built JavaScript, so the same file runs in production
 * and when tests run the server from TypeScript (a Worker cannot load .ts).
 */
const THREAD_FILE = require.resolve('@passmint/server/apns-thread');

/** What the thread's client is made from: plain data (no clock function) crosses to the thread. */
export type ApnsThreadClientOptions = Omit<ApnsClientOptions, 'now'>;

/** A client's side of the shared thread. */
interface ClientEnd {
  results(results: [number, PushResult][], connections: number): void;
  closed(): void;
  lost(detail: string): void;
  busy(): boolean;
}

interface ApnsThread {
  worker: Worker;
  ends: Map<number, ClientEnd>;
}

/** One thread for every client of the process (one per signing identity): each thread is a V8 heap of its own. */
let shared: ApnsThread | undefined;
let clientsMade = 0;

function apnsThread(startThread: StartThread): ApnsThread {
  if (shared !== undefined) return shared;
  const thread: ApnsThread = { worker: startThread(THREAD_FILE), ends: new Map() };
  thread.worker.on('message', (reply: ApnsThreadReply) => {
    const end = thread.ends.get(reply.client);
    if (reply.kind === 'closed') end?.closed();
    else end?.results(reply.results, reply.connections);
    holdWhileBusy(thread);
  });
  thread.worker.on('error', (error) => lose(thread, `the APNs thread failed: ${error.message}`));
  thread.worker.on('exit', () => lose(thread, 'the APNs thread stopped'));
  shared = thread;
  return thread;
}

/** The thread keeps the process alive only while some client has pushes out. */
function holdWhileBusy(thread: ApnsThread): void {
  if ([...thread.ends.values()].some((end) => end.busy())) thread.worker.ref();
  else thread.worker.unref();
}

function lose(thread: ApnsThread, detail: string): void {
  if (shared === thread) shared = undefined;
  const ends = [...thread.ends.values()];
  thread.ends.clear();
  for (const end of ends) end.lost(detail);
}

/**
 * An APNs client whose HTTP/2 connection lives on the process's APNs thread. A fan-out to
 * 100,000 devices is 100,000 streams; opening and reading them costs the thread that owns the
 * connection most of its time, which on the main thread kept `/healthz` and the API waiting
 * 50–150 ms at a time. Here the main thread only posts each batch of pushes and reads back their
 * results. The thread starts at the first push; same contract as `createApnsClient` (never
 * rejects; a thread that dies fails the pushes it held as ConnectionError, which the push worker
 * retries, and the next push starts a new thread). `startThread` starts the shared thread when this
 * client is the one to need it first.
 */
export function createThreadedApnsClient(options: ApnsThreadClientOptions, startThread: StartThread = startWorkerThread): ApnsClient {
  // Bad configuration throws here, as createApnsClient does; it connects only at a first push.
  createApnsClient(options);
  const id = clientsMade++;
  const pending = new Map<number, (result: PushResult) => void>();
  let outgoing: [number, PushRequest][] = [];
  let nextPush = 0;
  let connections = 0;
  let thread: ApnsThread | undefined;
  let whenClosed: (() => void) | undefined;
  let closed = false;

  function failAll(detail: string): void {
    const waiting = [...pending.values()];
    pending.clear();
    outgoing = [];
    for (const settle of waiting) settle({ ok: false, status: 0, reason: 'ConnectionError', detail });
  }

  const end: ClientEnd = {
    results(results, count) {
      connections = count;
      for (const [push, result] of results) {
        pending.get(push)?.(result);
        pending.delete(push);
      }
    },
    closed: () => whenClosed?.(),
    lost(detail) {
      thread = undefined;
      failAll(detail);
      whenClosed?.();
    },
    busy: () => pending.size > 0,
  };

  function post(): void {
    const pushes = outgoing;
    outgoing = [];
    if (pushes.length === 0 || closed) return;
    if (thread === undefined) {
      thread = apnsThread(startThread);
      thread.ends.set(id, end);
      thread.worker.postMessage({ kind: 'open', client: id, options } satisfies ApnsThreadRequest);
    }
    thread.worker.ref();
    thread.worker.postMessage({ kind: 'send', client: id, pushes } satisfies ApnsThreadRequest);
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    outgoing = [];
    const running = thread;
    if (running !== undefined) {
      await new Promise<void>((resolve) => {
        whenClosed = resolve;
        running.worker.ref();
        running.worker.postMessage({ kind: 'close', client: id } satisfies ApnsThreadRequest);
      });
      running.ends.delete(id);
      // The last client gone, so goes the thread: the next client starts its own.
      if (running.ends.size === 0) {
        if (shared === running) shared = undefined;
        await running.worker.terminate();
      } else {
        holdWhileBusy(running);
      }
    }
    failAll('client closed');
  }

  return {
    send(request) {
      if (closed) return Promise.resolve({ ok: false, status: 0, reason: 'ConnectionError', detail: 'client closed' });
      return new Promise<PushResult>((resolve) => {
        const push = nextPush++;
        pending.set(push, resolve);
        // The pushes of one turn of the event loop (a claimed batch) go over in one message.
        if (outgoing.push([push, request]) === 1) setImmediate(post);
      });
    },
    close,
    get connections() {
      return connections;
    },
  };
}
