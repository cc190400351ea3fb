import { parentPort } from 'node:worker_threads';
import { createApnsClient, type ApnsClient, type PushResult } from './apns-client';
import type { ApnsThreadReply, ApnsThreadRequest } from './apns-thread-messages';

/**
 * The APNs thread (see ./apns-thread-client.ts): holds one client per signing identity, sends the
 * pushes the main thread posts, and posts their results back, those of a client that came in the
 * same turn of this thread's event loop as one message.
 */
function serve(): void {
  const port = parentPort;
  if (port === null) return;
  const clients = new Map<number, { client: ApnsClient; answered: [number, PushResult][] }>();

  const flush = (id: number) => {
    const held = clients.get(id);
    if (held === undefined || held.answered.length === 0) return;
    const results = held.answered;
    held.answered = [];
    port.postMessage({ kind: 'results', client: id, results, connections: held.client.connections } satisfies ApnsThreadReply);
  };

  port.on('message', (message: ApnsThreadRequest) => {
    if (message.kind === 'open') {
      clients.set(message.client, { client: createApnsClient(message.options), answered: [] });
      return;
    }
    const held = clients.get(message.client);
    if (held === undefined) return;
    if (message.kind === 'close') {
      void held.client.close().then(() => {
        flush(message.client);
        clients.delete(message.client);
        port.postMessage({ kind: 'closed', client: message.client } satisfies ApnsThreadReply);
      });
      return;
    }
    for (const [push, request] of message.pushes) {
      void held.client.send(request).then((result) => {
        if (held.answered.push([push, result]) === 1) setImmediate(flush, message.client);
      });
    }
  });
}

serve();
