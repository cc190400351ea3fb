import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonServerMode = { status: number; body: unknown } | 'hang';

/**
 * A plain HTTP server on 127.0.0.1 answering every request with one JSON answer, or holding it
 * unanswered, switchable while it runs: a stand-in for a remote endpoint that works, fails or hangs.
 */
export interface SwitchableJsonServer {
  url: string;
  set(mode: JsonServerMode): void;
  /** Requests received so far. */
  requests(): number;
  /** Requests held unanswered right now. */
  hanging(): number;
  /** Drops the connections of the requests held, as a server that gives up would. */
  dropHeld(): void;
  close(): Promise<void>;
}

export async function startSwitchableJsonServer(mode: JsonServerMode): Promise<SwitchableJsonServer> {
  let current = mode;
  let requests = 0;
  const held = new Set<ServerResponse>();
  const server = createServer((_request, response) => {
    requests++;
    if (current === 'hang') {
      held.add(response);
      response.on('close', () => held.delete(response));
      return;
    }
    response.writeHead(current.status, { 'content-type': 'application/json' }).end(JSON.stringify(current.body));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`,
    set: (next) => (current = next),
    requests: () => requests,
    hanging: () => held.size,
    dropHeld: () => {
      for (const response of held) response.socket?.destroy();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
