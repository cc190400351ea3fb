import type { Worker } from 'node:worker_threads';
import { PassmintError, type ErrorCode } from '@passmint/engine';
import {
  checkWebhookSenderOptions,
  type WebhookAttempt,
  type WebhookMessage,
  type WebhookSender,
  type WebhookTarget,
} from './webhook-sender';
import { startWorkerThread, type StartThread } from '../workers/start-thread';
import type { WebhookThreadOutcome, WebhookThreadReply, WebhookThreadRequest, WebhookThreadSenderOptions } from './webhook-thread-messages';

/** The package's exports map points at the built JavaScript: a Worker cannot load .ts (see ../apns/apns-thread-client.ts). */
const THREAD_FILE = require.resolve('@passmint/server/webhook-thread');

export type { WebhookThreadSenderOptions } from './webhook-thread-messages';

interface Waiting {
  resolve(attempt: WebhookAttempt): void;
  reject(error: Error): void;
}

/**
 * A webhook sender whose connections live on a thread of their own. Each delivery is an HTTP
 * request, a signature and an answer to read: at 1,000 events a second to 3 endpoints, about a
 * fifth of the main thread's time, which the API's requests and the store's writes need. Here the
 * main thread only posts the attempts of a turn of its event loop and reads back their outcomes.
 * Same contract as `createWebhookSender`: bad configuration throws here; a send resolves for every
 * answer and network failure and rejects on a fault of ours, among them the thread stopping.
 */
export function createThreadedWebhookSender(
  options: WebhookThreadSenderOptions,
  startThread: StartThread = startWorkerThread,
): WebhookSender {
  checkWebhookSenderOptions(options);
  const waiting = new Map<number, Waiting>();
  let outgoing: [number, WebhookTarget, WebhookMessage, number][] = [];
  let nextId = 0;
  let worker: Worker | undefined;
  let whenClosed: (() => void) | undefined;
  let closed = false;

  function thread(): Worker {
    if (worker !== undefined) return worker;
    const started = startThread(THREAD_FILE);
    started.on('message', (reply: WebhookThreadReply) => {
      if (reply.kind === 'closed') whenClosed?.();
      else settle(reply.results);
      if (waiting.size === 0) started.unref();
    });
    started.on('error', () => lose(started));
    started.on('exit', () => lose(started));
    started.postMessage({ kind: 'open', options } satisfies WebhookThreadRequest);
    worker = started;
    return started;
  }

  function settle(results: [number, WebhookThreadOutcome][]): void {
    for (const [id, outcome] of results) {
      const settling = waiting.get(id);
      waiting.delete(id);
      if ('attempt' in outcome) settling?.resolve(outcome.attempt);
      else settling?.reject(new PassmintError(outcome.fault.code as ErrorCode, outcome.fault.message));
    }
  }

  /** The attempts the thread held fail as a fault of ours; the next send starts a new thread. */
  function lose(lost: Worker): void {
    if (worker !== lost) return;
    worker = undefined;
    failAll('The webhook thread stopped before answering.');
    whenClosed?.();
  }

  function failAll(message: string): void {
    const failing = [...waiting.values()];
    waiting.clear();
    outgoing = [];
    for (const settling of failing) settling.reject(new PassmintError('internal_error', message));
  }

  function post(): void {
    const attempts = outgoing;
    outgoing = [];
    if (attempts.length === 0 || closed) return;
    const running = thread();
    running.ref();
    running.postMessage({ kind: 'send', attempts } satisfies WebhookThreadRequest);
  }

  return {
    send(target, message, now) {
      if (closed) return Promise.reject(new PassmintError('internal_error', 'The webhook sender is closed.'));
      return new Promise<WebhookAttempt>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        // The attempts of one turn of the event loop (a claimed batch) go over in one message.
        if (outgoing.push([id, target, message, now.getTime()]) === 1) setImmediate(post);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      outgoing = [];
      const running = worker;
      if (running !== undefined) {
        // The thread's sender finishes the attempts under way, posts them, then says it is closed.
        await new Promise<void>((resolve) => {
          whenClosed = resolve;
          running.ref();
          running.postMessage({ kind: 'close' } satisfies WebhookThreadRequest);
        });
        worker = undefined;
        await running.terminate();
      }
      failAll('The webhook sender is closed.');
    },
  };
}
