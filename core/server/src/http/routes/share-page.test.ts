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

describe('a translated pass', () => {
  const body = {
    barcodeValue: 'L10N-1',
    barcodeFormat: 'QR',
    primaryFields: [{ label: 'Points', value: '120' }],
    translations: { de: { Points: 'Punkte', Kafee: 'Kaffee' } },
  };

  test('POST and PUT answer with a warning for a translation the pass has no text for', async () => {
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
    expect(created.json.warnings).toContain('translations.de: "Kafee" is not a text of this pass');
    const put = await request(`${server.url}/api/passes/${created.json.serialNumber}`, {
      method: 'PUT',
      key: server.key,
      body: { ...body, translations: { de: { Points: 'Punkte', Lavel: 'Stufe' } } },
    });
    expect(put.json.warnings).toEqual(['translations.de: "Lavel" is not a text of this pass']);
  });

  test('translations too long for a strings file are a 400 naming them, not a 500', async () => {
    const fields = (group: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        label: `${group} label ${i}`,
        value: `${group} value ${i}`,
        changeMessage: `${group} %@ ${i}`,
      }));
    const texts = { backFields: fields('back', 20), secondaryFields: fields('secondary', 4), auxiliaryFields: fields('auxiliary', 4) };
    const huge = '😀'.repeat(4096);
    const de = Object.fromEntries(
      Object.values(texts)
        .flat()
        .flatMap((field) => [field.label, field.value, field.changeMessage])
        .map((text) => [text, huge]),
    );
    const refused = await request(`${server.url}/api/passes`, {
      method: 'POST',
      key: server.key,
      body: { ...body, ...texts, translations: { de } },
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 'invalid_body', issues: [{ path: 'translations.de' }] });
  });

  test('/p/<serial> answers in the negotiated language, says so, and varies by Accept-Language', async () => {
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
    const shareUrl = `${server.url}/p/${created.json.serialNumber}`;
    const german = await request(shareUrl, { headers: { 'accept-language': 'de-CH, en;q=0.5' } });
    expect(german.headers.get('content-language')).toBe('de');
    expect(german.headers.get('vary')).toBe('Accept-Language');
    expect(german.bytes.toString('utf8')).toContain('<html lang="de">');
    expect(german.bytes.toString('utf8')).toContain('>Punkte<');
    const english = await request(shareUrl, { headers: { 'accept-language': 'ja' } });
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.bytes.toString('utf8')).toContain('>Points<');
    const missing = await request(`${server.url}/p/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { 'accept-language': 'es' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-language')).toBe('es');
    expect(missing.bytes.toString('utf8')).toContain('Este pase no existe');
  });
});
