import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with whether its signature verified as a Standard Webhooks receiver checks it. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  verified: boolean;
  status: number;
}

/** What to answer a request: a status, or 'hang' (never answer). */
export type ReceiverAnswer = number | 'hang';

export interface WebhookReceiver {
  url: string;
  port: number;
  /** Every request, in arrival order. */
  readonly received: ReceivedWebhook[];
  /** Verified deliveries answered 2xx. */
  delivered(): ReceivedWebhook[];
  /** The secret requests are verified with (set once the endpoint is created). */
  setSecret(secret: string): void;
  /** Answers for the next requests, in order; afterwards 204 again. */
  respond(...answers: ReceiverAnswer[]): void;
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A webhook endpoint on loopback that verifies every delivery with the `standardwebhooks` package. */
export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: ReceiverAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  let verifier: Webhook | undefined;
  const waiters = new Set<() => void>();

  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const answer = answers.shift() ?? 204;
      received.push(record(request, body, answer));
      for (const wake of waiters) wake();
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer).end();
    });
  });

  function record(request: IncomingMessage, body: string, answer: ReceiverAnswer): ReceivedWebhook {
    const headers = {
      'webhook-id': String(request.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
    };
    let payload: ReceivedWebhook['payload'] = null;
    let verified = false;
    try {
      payload = verifier ? (verifier.verify(body, headers) as ReceivedWebhook['payload']) : null;
      verified = payload !== null;
    } catch {
      verified = false;
    }
    return {
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      body,
      payload,
      verified,
      status: answer === 'hang' ? 0 : answer,
    };
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    received,
    delivered: () => received.filter((each) => each.verified && each.status >= 200 && each.status < 300),
    setSecret(secret) {
      verifier = new Webhook(secret);
    },
    respond(...next) {
      answers.push(...next);
    },
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`the receiver did not get what was expected within ${timeoutMs} ms; it got ${JSON.stringify(received.map(summary))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function summary(each: ReceivedWebhook) {
  return { id: each.id, type: each.payload?.type, verified: each.verified, status: each.status };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
