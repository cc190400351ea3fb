import { rmSync } from 'node:fs';
import { request, spawnServer, tempDataDir } from '../testing';

const BODY = { barcodeValue: 'RESTART-1', barcodeFormat: 'QR', headerFields: [{ label: 'POINTS', value: '10' }] };

describe.each([
  ['a clean stop (SIGTERM)', 'SIGTERM'],
  ['a crash (SIGKILL)', 'SIGKILL'],
] as const)('restarting the server process after %s between a POST and a PUT', (_name, signal) => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('loses nothing', async () => {
    const first = await spawnServer({ PASSMINT_DATA_DIR: dataDir });
    const created = await request(`${first.url}/api/passes`, { method: 'POST', key: first.key, body: BODY });
    expect(created.status).toBe(200);
    const serial: string = created.json.serialNumber;
    await first.stop(signal);

    const second = await spawnServer({ PASSMINT_DATA_DIR: dataDir });
    try {
      expect(second.key).toBe('');
      expect(second.stderr()).not.toContain('First start');
      const stored = await request(`${second.url}/api/passes/${serial}/pass.pkpass`, { key: first.key });
      expect(stored.bytes.equals(Buffer.from(created.json.applePass, 'base64'))).toBe(true);
      const updated = await request(`${second.url}/api/passes/${serial}`, {
        method: 'PUT',
        key: first.key,
        body: { ...BODY, headerFields: [{ label: 'POINTS', value: '20' }] },
      });
      expect(updated.status).toBe(200);
      expect(updated.json.unchanged).toBe(false);
      const details = await request(`${second.url}/api/passes/${serial}`, { key: first.key });
      expect(details.json.body.headerFields[0].value).toBe('20');
      expect((await request(`${second.url}/api/auth/usage`, { key: first.key })).json.used).toBe(2);
    } finally {
      await second.stop();
    }
  });
});
