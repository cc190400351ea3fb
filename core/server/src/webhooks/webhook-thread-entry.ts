import { parentPort } from 'node:worker_threads';
import { PassmintError } from '@passmint/engine';
import { createWebhookSender, type WebhookSender } from './webhook-sender';
import type { WebhookThreadOutcome, WebhookThreadReply, WebhookThreadRequest } from './webhook-thread-messages';

/**
 * The webhook thread (see ./webhook-thread-sender.ts): holds the sender and its connections,
 * makes the attempts the main thread posts, and posts their outcomes back, those that came in the
 * same turn of this thread's event loop as one message.
 */
function serve(): void {
  const port = parentPort;
  if (port === null) return;
  let sender: WebhookSender | undefined;
  let answered: [number, WebhookThreadOutcome][] = [];

  const flush = () => {
    const results = answered;
    answered = [];
    port.postMessage({ kind: 'results', results } satisfies WebhookThreadReply);
  };
  const answer = (id: number, outcome: WebhookThreadOutcome) => {
    if (answered.push([id, outcome]) === 1) setImmediate(flush);
  };

  port.on('message', (message: WebhookThreadRequest) => {
    if (message.kind === 'open') {
      sender = createWebhookSender(message.options);
      return;
    }
    if (message.kind === 'close') {
      void (sender?.close() ?? Promise.resolve()).then(() => {
        if (answered.length > 0) flush();
        port.postMessage({ kind: 'closed' } satisfies WebhookThreadReply);
      });
      return;
    }
    for (const [id, target, webhook, nowMs] of message.attempts) {
      if (sender === undefined) continue;
      sender.send(target, webhook, new Date(nowMs)).then(
        (attempt) => answer(id, { attempt }),
        (error: unknown) => answer(id, { fault: faultOf(error) }),
      );
    }
  });
}

function faultOf(error: unknown): { code: string; message: string } {
  if (error instanceof PassmintError) return { code: error.code, message: error.message };
  return { code: 'internal_error', message: 'The webhook thread failed to send.' };
}

serve();
