import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { encodePng } from '@passmint/engine';
import type { TestPki } from './test-pki';

export interface ImageServer {
  port: number;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** A valid PNG, `width`×`height`, one colour. */
export function solidPng(width: number, height: number, rgba = [200, 80, 40, 255]): Buffer {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < pixels.length; i += 4) pixels.set(rgba, i);
  return encodePng(width, height, pixels);
}

/** A PNG header claiming `width`×`height` pixels, followed by `padding` bytes of junk. */
export function bombPngHeader(width: number, height: number, padding: number): Buffer {
  const header = Buffer.from(solidPng(1, 1).subarray(0, 33));
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return Buffer.concat([header, Buffer.alloc(padding, 0x41)]);
}

/**
 * An HTTPS server on loopback serving the images the API tests point at: good ones, and the
 * hostile ones (redirects to private addresses, not-a-PNG, a PNG bomb, an oversized file).
 */
export async function startImageServer(
  pki: TestPki,
  routes: Record<string, (port: number) => { status?: number; headers?: Record<string, string>; body?: Buffer }>,
): Promise<ImageServer> {
  const hits = new Map<string, number>();
  let port = 0;
  const server: Server = createHttpsServer({ key: pki.serverKey, cert: pki.serverCert }, (request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (!route) {
      response.writeHead(404).end('not found');
      return;
    }
    const answer = route(port);
    response.writeHead(answer.status ?? 200, { 'content-type': 'image/png', ...answer.headers });
    response.end(answer.body ?? Buffer.alloc(0));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    // Keep-alive connections from the server under test would otherwise hold close() until they idle out.
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
