import { errorResponseSchema } from '@passmint/engine/schema';
import { request, startInProcess, type InProcessServer } from '../testing';
import { openSocket, sendAndRead } from '../testing/raw-http';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
/** How long a test waits for the server to act before calling it stuck: far past every timeout. */
const STUCK_MS = 20_000;
const BODY = JSON.stringify({ barcodeValue: 'SLOW-1', barcodeFormat: 'QR' });

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcess({
    PASSMINT_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    PASSMINT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    PASSMINT_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
});
afterAll(() => server.close());

const head = (length: number) =>
  `POST /api/passes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('slow and malformed clients', () => {
  test('a body that stops halfway is dropped with a 408 in the contract shape once the request timeout passes', async () => {
    const answer = await sendAndRead(server.url, head(BODY.length) + BODY.slice(0, 10), STUCK_MS);
    expect(answer.status).toBe(408);
    expect(errorResponseSchema.parse(JSON.parse(answer.body))).toMatchObject({ code: 'request_timeout' });
    expect(answer.headers.connection).toBe('close');
    expect(answer.ended).toBe('close');
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
  });

  test('headers that stop halfway get a 408 once the headers timeout passes', async () => {
    const answer = await sendAndRead(server.url, 'POST /api/passes HTTP/1.1\r\nHost: x\r\nContent-Ty', STUCK_MS);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'request_timeout' });
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  });

  test('a connection that never sends a byte is closed without an answer', async () => {
    const answer = await sendAndRead(server.url, '', STUCK_MS);
    expect(answer).toMatchObject({ status: 0, ended: 'close' });
  });

  test('a keep-alive connection that goes quiet after its answer is closed', async () => {
    const answer = await sendAndRead(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', STUCK_MS);
    expect(answer.status).toBe(200);
    expect(answer.headers['keep-alive']).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    expect(answer.ended).toBe('close');
  });

  test('a slow body that ends within the timeout is served', async () => {
    const socket = await openSocket(server.url);
    const received: Buffer[] = [];
    socket.on('data', (data: Buffer) => received.push(data));
    socket.write(head(BODY.length));
    for (const part of [BODY.slice(0, 10), BODY.slice(10, 20), BODY.slice(20)]) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.write(part);
    }
    await new Promise<void>((resolve) => socket.on('data', () => Buffer.concat(received).includes('serialNumber') && resolve()));
    socket.destroy();
    expect(Buffer.concat(received).toString('utf8')).toMatch(/^HTTP\/1\.1 200 /);
  });

  test("headers past Node's 16 KiB are a 431 in the contract shape; a request that is not HTTP is a 400", async () => {
    const big = await sendAndRead(server.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`, STUCK_MS);
    expect(big.status).toBe(431);
    expect(errorResponseSchema.parse(JSON.parse(big.body))).toMatchObject({ code: 'headers_too_large' });
    const junk = await sendAndRead(server.url, 'HELLO THERE\r\n\r\n', STUCK_MS);
    expect(junk.status).toBe(400);
    expect(errorResponseSchema.parse(JSON.parse(junk.body))).toMatchObject({ code: 'bad_request' });
  });

  test('a timed-out request is logged as a 408 client error, never as a server error', async () => {
    await sendAndRead(server.url, head(BODY.length) + BODY.slice(0, 5), STUCK_MS);
    const lines = server.logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'client error' && line.code === 'request_timeout').length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
  });
});
