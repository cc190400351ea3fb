import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { closeAll } from './test-support/cleanup';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.PASSMINT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const schema = `passmint_scale_${randomBytes(4).toString('hex')}`;
const dirs: string[] = [];
const servers: SpawnedServer[] = [];

function start(extra: Record<string, string> = {}): Promise<SpawnedServer> {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  return spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}`,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    ...extra,
  }).then((server) => (servers.push(server), server));
}

let apiKey = '';

afterAll(() =>
  closeAll([
    ...servers.map((server) => () => server.stop()),
    async () => {
      const admin = new Client({ connectionString: DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
    ...dirs.map((dir) => () => rmSync(dir, { recursive: true, force: true })),
  ]),
);

describe('scale-out (needs PostgreSQL)', () => {
  test('two server processes on one PostgreSQL database: a pass made through one is updated through the other', async () => {
    const first = await start();
    const second = await start();
    expect(second.key).toBe('');
    const key = first.key;
    apiKey = key;

    const created = await request(`${first.url}/api/passes`, {
      method: 'POST',
      key,
      body: { barcodeValue: 'SCALE-1', barcodeFormat: 'QR', headerFields: [{ key: 'points', label: 'POINTS', value: '10' }] },
    });
    expect(created.status).toBe(200);
    const serial = String(created.json.serialNumber);

    const updated = await request(`${second.url}/api/passes/${serial}`, {
      method: 'PUT',
      key,
      body: { barcodeValue: 'SCALE-1', barcodeFormat: 'QR', headerFields: [{ key: 'points', label: 'POINTS', value: '20' }] },
    });
    expect(updated).toMatchObject({ status: 200, json: { unchanged: false } });
    const seenByFirst = await request(`${first.url}/api/passes/${serial}`, { key });
    expect(seenByFirst.json.body.headerFields[0].value).toBe('20');
    expect((await request(`${first.url}/api/auth/usage`, { key })).json.used).toBe(2);
    expect((await request(`${second.url}/readyz`)).json).toEqual({ ready: true });
  });
});

describe('scale-out with a shared rate limit (needs PostgreSQL and Redis)', () => {
  test('with PASSMINT_REDIS_URL two processes share one rate limit per key', async () => {
    // A token every 1,000 s: none comes back while the test runs, however slowly, so the burst is all there is.
    const limited = { PASSMINT_REDIS_URL: REDIS_URL, PASSMINT_RATE_LIMIT_PER_SECOND: '0.001', PASSMINT_RATE_LIMIT_BURST: '4' };
    const pair = [await start(limited), await start(limited)];
    const statuses: number[][] = [[], []];
    for (let i = 0; i < 10; i++) statuses[i % 2]!.push((await request(`${pair[i % 2]!.url}/api/auth/usage`, { key: apiKey })).status);
    // Each process alone would allow 4 (8 in all); sharing one bucket they allow 4 between them.
    expect(statuses.flat().filter((status) => status === 200)).toHaveLength(4);
    expect(statuses[0]).toContain(429);
    expect(statuses[1]).toContain(429);
  });
});
