import { parentPort, workerData } from 'node:worker_threads';
import { createApnsClient, type ApnsClientOptions, type PushResult } from './apns-client';
import type { ApnsThreadReply, ApnsThreadRequest } from './apns-thread-messages';

/**
 * The APNs client's thread (see ./apns-thread-client.ts): sends the pushes the main thread
 * posts, and posts their results back, those that came in the same turn of this thread's event
 * loop as one message.
 */
function serve(options: ApnsClientOptions): void {
  const port = parentPort;
  if (port === null) return;
  const client = createApnsClient(options);
  let answered: [number, PushResult][] = [];

  const flush = () => {
    const results = answered;
    answered = [];
    port.postMessage({ kind: 'results', results, connections: client.connections } satisfies ApnsThreadReply);
  };

  port.on('message', (message: ApnsThreadRequest) => {
    if (message.kind === 'close') {
      void client.close().then(() => {
        if (answered.length > 0) flush();
        port.postMessage({ kind: 'closed' } satisfies ApnsThreadReply);
      });
      return;
    }
    for (const [id, request] of message.pushes) {
      void client.send(request).then((result) => {
        if (answered.push([id, result]) === 1) setImmediate(flush);
      });
    }
  });
}

serve(workerData as ApnsClientOptions);
