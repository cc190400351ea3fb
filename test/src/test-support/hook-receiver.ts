import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { untilDone } from './wait';

/** One request as it arrived: the raw bytes of its body, and the status it was answered with. */
export interface ReceivedHook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

/** Answers one request; what it answers is recorded. Default: 204. */
export type HookHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void> | void;

export interface HookReceiver {
  url: string;
  /** `127.0.0.1:<port>`, for PASSMINT_WEBHOOK_HOSTS_ALLOW. */
  host: string;
  readonly received: ReceivedHook[];
  handle(handler: HookHandler): void;
  /** Waits until `predicate` holds; fails when nothing new arrived for 20 s. */
  waitFor(what: string, predicate: (received: ReceivedHook[]) => boolean): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

/** An HTTP endpoint on loopback that keeps every request, body as bytes, the way a webhook consumer gets it. */
export async function startHookReceiver(): Promise<HookReceiver> {
  const received: ReceivedHook[] = [];
  let handler: HookHandler = (_request, _body, response) => void response.writeHead(204).end();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      void Promise.resolve(handler(request, body, response))
        .catch(() => {
          if (!response.headersSent) response.writeHead(500);
        })
        .finally(() => {
          if (!response.writableEnded) response.end();
          const { method = '', url = '', headers } = request;
          received.push({ method, path: url, headers, body, status: response.statusCode });
        });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    handle: (next) => void (handler = next),
    async waitFor(what, predicate) {
      await untilDone(async () => ({ done: predicate(received), state: received.map((hook) => [hook.path, hook.status]) }), {
        what,
        stallMs: 20_000,
      });
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}
