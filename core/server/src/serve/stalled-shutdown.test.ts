import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '../testing';
import { openSocket } from '../testing/raw-http';

const SHUTDOWN_DELAY_MS = 1000;
const SHUTDOWN_GRACE_MS = 2000;
/** Slack for a process start-up and exit on a loaded machine: generous, and still far below the 30 s request timeout. */
const SLACK_MS = 15_000;

describe('SIGTERM with clients stalled halfway through their requests', () => {
  const dataDir = tempDataDir();
  const sockets: Socket[] = [];
  let server: SpawnedServer;
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the process exits within the shutdown delay plus the grace, not when the stalled requests time out', async () => {
    server = await spawnServer({
      PASSMINT_DATA_DIR: dataDir,
      PASSMINT_SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      PASSMINT_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
    });
    const post = `POST /api/passes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\n`;
    const stalled = [
      'POST /api/passes HTTP/1.1\r\nHost: x\r\nAuthor',
      `${post}Content-Length: 1000\r\n\r\n{"barcodeValue":"HALF`,
      `${post}Transfer-Encoding: chunked\r\n\r\n10\r\n{"barcodeValue":`,
      `${post}Content-Length: 10000000\r\n\r\n${' '.repeat(64 * 1024)}`,
    ];
    for (const data of stalled) {
      const socket = await openSocket(server.url);
      socket.on('error', () => undefined);
      socket.write(data);
      sockets.push(socket);
    }
    // A kept-alive connection that finished its request, idle.
    const idle = await openSocket(server.url);
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    sockets.push(idle);
    expect((await request(`${server.url}/healthz`)).status).toBe(200);

    const started = performance.now();
    const code = await server.stop('SIGTERM');
    const tookMs = performance.now() - started;
    console.log(`exited ${Math.round(tookMs)} ms after SIGTERM (delay ${SHUTDOWN_DELAY_MS} ms + grace ${SHUTDOWN_GRACE_MS} ms)`);

    expect(code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(SHUTDOWN_DELAY_MS);
    expect(tookMs).toBeLessThan(SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS + SLACK_MS);
  }, 60_000);
});
