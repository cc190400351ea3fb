import type { ServerResponse } from 'node:http';
import { startHttpsServer } from './test-servers';
import type { TestPki } from './test-pki';

/**
 * An HTTPS image host on 127.0.0.1 that either serves a PNG or accepts requests and never answers
 * them, switchable while it runs: a host that hangs after its images were fetched once.
 */
export interface SwitchableImageHost {
  port: number;
  /** An https URL on this host (`localhost`, which the test PKI's certificate names). */
  url(path: string): string;
  serve(png: Buffer): void;
  hang(): void;
  /** Drops the connections of the requests held so far, as a host that gives up would. */
  dropHeld(): void;
  /** Requests received so far. */
  requests(): number;
  /** Requests held open without an answer right now. */
  hanging(): number;
  close(): Promise<void>;
}

export async function startSwitchableImageHost(pki: TestPki, png: Buffer): Promise<SwitchableImageHost> {
  let mode: { serve: Buffer } | 'hang' = { serve: png };
  let requests = 0;
  const held = new Set<ServerResponse>();
  const server = await startHttpsServer(pki, (request, response) => {
    requests++;
    if (mode === 'hang') {
      held.add(response);
      response.on('close', () => held.delete(response));
      return;
    }
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': mode.serve.length }).end(mode.serve);
  });
  return {
    port: server.port,
    url: (path) => `https://localhost:${server.port}${path}`,
    serve: (bytes) => (mode = { serve: bytes }),
    hang: () => (mode = 'hang'),
    dropHeld: () => {
      for (const response of held) response.socket?.destroy();
    },
    requests: () => requests,
    hanging: () => held.size,
    close: () => server.close(),
  };
}
