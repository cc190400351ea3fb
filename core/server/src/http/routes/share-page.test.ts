import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { solidPng } from '../../test-support/image-server';
import { startSwitchableImageHost, type SwitchableImageHost } from '../../test-support/switchable-image-host';
import { createTestPki } from '../../test-support/test-pki';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '../../testing';

const LOGO = solidPng(320, 100);

let dataDir: string;
let host: SwitchableImageHost;
let server: SpawnedServer;

beforeAll(async () => {
  dataDir = tempDataDir();
  const pki = createTestPki('Passmint Share Page Test CA');
  writeFileSync(join(dataDir, 'image-ca.pem'), pki.caCert);
  host = await startSwitchableImageHost(pki, LOGO);
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_IMAGE_HOSTS_ALLOW: `localhost:${host.port}`,
    NODE_EXTRA_CA_CERTS: join(dataDir, 'image-ca.pem'),
  });
}, 60_000);

afterAll(async () => {
  // The host first: the refresh it holds then fails at once and the server stops without waiting for it.
  await host?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Ages the stored copy of an image URL past the 24 hours after which it is refreshed. */
function makeStale(url: string): void {
  const db = new Database(join(dataDir, 'passmint.db'));
  try {
    expect(db.prepare('UPDATE image_sources SET fetched_at = ? WHERE url = ?').run('2000-01-01T00:00:00.000Z', url).changes).toBe(1);
  } finally {
    db.close();
  }
}

test('a hanging image host slows neither /p/<serial> nor a PUT: both answer from the stored image while its refresh waits', async () => {
  const logoURL = host.url('/logo.png');
  const body = { barcodeValue: 'HANG-1', barcodeFormat: 'QR', logoURL };
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
  expect(created.status).toBe(200);
  expect(host.requests()).toBe(1);
  host.hang();
  makeStale(logoURL);

  const page = await request(`${server.url}/p/${created.json.serialNumber}`);
  expect(page.status).toBe(200);
  expect(page.bytes.toString('utf8')).toContain(`src="/i/${createHash('sha256').update(LOGO).digest('hex')}.png"`);
  // The page has answered; the refresh it started is held by the host, unanswered.
  await until(() => host.hanging() === 1);

  const put = await request(`${server.url}/api/passes/${created.json.serialNumber}`, {
    method: 'PUT',
    key: server.key,
    body: { ...body, barcodeValue: 'HANG-2' },
  });
  expect(put.json).toMatchObject({ unchanged: false });
  expect({ requests: host.requests(), hanging: host.hanging() }).toEqual({ requests: 2, hanging: 1 });
});
