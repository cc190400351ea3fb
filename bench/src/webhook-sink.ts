import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One delivery as the sink saw it. */
export interface SunkDelivery {
  id: string;
  /** When its signature had been checked (ms since the epoch, sub-millisecond: see `epochNow`). */
  receivedAt: number;
  /** The event's createdAt (ms), from the signed payload. */
  createdAt: number;
  type: string;
  serialNumber: string;
  version: number;
}

/** Milliseconds since the epoch with performance.now()'s resolution: Date.now() rounds to whole ones. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface WebhookSink {
  url: string;
  port: number;
  setSecret(secret: string): void;
  /** Each event once, in arrival order (repeats are counted apart). */
  deliveries: SunkDelivery[];
  forged(): number;
  duplicates(): number;
  close(): Promise<void>;
}

/**
 * A webhook receiver for benchmarks: checks every signature (as a real receiver must, so its cost
 * is in the figures) and records when each delivery arrived. Answers 204, or 401 to a bad signature.
 */
export async function startWebhookSink(): Promise<WebhookSink> {
  const deliveries: SunkDelivery[] = [];
  const seen = new Set<string>();
  let key = Buffer.alloc(0);
  let forged = 0;
  let duplicates = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id']);
      const signed = `${id}.${String(request.headers['webhook-timestamp'])}.${body}`;
      const expected = Buffer.from(`v1,${createHmac('sha256', key).update(signed).digest('base64')}`);
      const given = Buffer.from(String(request.headers['webhook-signature']));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        forged++;
        response.writeHead(401).end();
        return;
      }
      if (seen.has(id)) duplicates++;
      else deliveries.push(sunk(id, body));
      seen.add(id);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    setSecret(secret) {
      key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    },
    deliveries,
    forged: () => forged,
    duplicates: () => duplicates,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sunk(id: string, body: string): SunkDelivery {
  const receivedAt = epochNow();
  const payload = JSON.parse(body) as { type: string; timestamp: string; data: { serialNumber?: string; version?: number } };
  return {
    id,
    receivedAt,
    createdAt: Date.parse(payload.timestamp),
    type: payload.type,
    serialNumber: payload.data.serialNumber ?? '',
    version: payload.data.version ?? 0,
  };
}
