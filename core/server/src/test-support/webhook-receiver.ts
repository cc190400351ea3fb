import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** One delivery as a receiver saw it. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the standardwebhooks library accepted its signature for the secret. */
  verified: boolean;
}

/**
 * A request handler for a test server that records every delivery, verified the way a tenant's
 * code would verify it, and then lets `answer` reply by path.
 */
export function webhookReceiver(
  secret: string,
  received: ReceivedWebhook[],
  answer: (path: string, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body, verified: verifies(secret, body, request.headers) });
      answer(path, response);
    });
  };
}

/** The deliveries of one event (by webhook-id) among those received. */
export function receivedWith(received: readonly ReceivedWebhook[], id: string): ReceivedWebhook[] {
  return received.filter((request) => request.headers['webhook-id'] === id);
}

function verifies(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
