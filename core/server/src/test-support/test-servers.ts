import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import type { TestPki } from './test-pki';

/** An http(s) server on 127.0.0.1 and an ephemeral port. */
export interface TestHttpsServer {
  port: number;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Starts an https server on 127.0.0.1 with the PKI's server certificate. */
export async function startHttpsServer(pki: TestPki, handler: Handler): Promise<TestHttpsServer> {
  return started(createHttpsServer({ key: pki.serverKey, cert: pki.serverCert }, handler));
}

/** Starts a plain http server on 127.0.0.1. */
export async function startHttpServer(handler: Handler): Promise<TestHttpsServer> {
  return started(createHttpServer(handler));
}

async function started(server: Server | ReturnType<typeof createHttpServer>): Promise<TestHttpsServer> {
  const port = await listen(server, '127.0.0.1', 0);
  return {
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A plain TCP listener on 127.0.0.1 (and ::1 on the same port when the host has IPv6) that counts
 * connections and drops them: the stand-in for every internal service a forbidden URL could reach.
 */
export interface Canary {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  let connections = 0;
  const onConnection = (socket: Socket): void => {
    connections++;
    socket.destroy();
  };
  const ipv4 = createTcpServer(onConnection);
  const port = await listen(ipv4, '127.0.0.1', 0);
  const ipv6 = createTcpServer(onConnection);
  const servers = [ipv4];
  try {
    await listen(ipv6, '::1', port);
    servers.push(ipv6);
  } catch {
    // No IPv6 loopback here: [::1] cannot be reached by anyone, which is what the tests assert anyway.
  }
  return {
    port,
    connections: () => connections,
    close: async () => {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function listen(
  server: Server | ReturnType<typeof createHttpServer> | ReturnType<typeof createTcpServer>,
  host: string,
  port: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
