import { rmSync } from 'node:fs';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '../testing';

const BODY = { barcodeValue: 'DRAIN-1', barcodeFormat: 'QR' };

describe('a graceful stop behind a load balancer', () => {
  const dataDir = tempDataDir();
  let server: SpawnedServer;
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('readiness turns 503 at SIGTERM while requests are still served for the delay; then the process exits cleanly', async () => {
    // Long enough for the checks below to land inside the delay on a loaded machine.
    server = await spawnServer({ PASSMINT_DATA_DIR: dataDir, PASSMINT_SHUTDOWN_DELAY_MS: '10000' });
    expect(await request(`${server.url}/readyz`)).toMatchObject({ status: 200, json: { ready: true } });

    const exited = server.stop('SIGTERM');
    let ready = await request(`${server.url}/readyz`);
    for (let tries = 0; ready.status === 200 && tries < 50; tries++) ready = await request(`${server.url}/readyz`);
    expect(ready).toMatchObject({ status: 503, json: { ready: false, reason: 'shutting_down' } });
    const health = await request(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: BODY });
    expect(created.status).toBe(200);

    expect(await exited).toBe(0);
    await expect(request(`${server.url}/readyz`)).rejects.toThrow();
  }, 90_000);
});
