import { readFileSync, rmSync } from 'node:fs';
import { API_EXAMPLE_BODIES, emptyObjectsBomb, sizeLiarBomb, writeZip } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type ApiResponse, type SpawnedServer } from '../testing';

const MB = 1024 * 1024;
/** Issue 15: no upload may take the process more than 200 MB past its normal size. */
const MAX_GROWTH_BYTES = 200 * MB;
const ROUNDS = 3;

/** The process's current and peak resident size from /proc (Linux), in bytes. */
function residentBytes(pid: number): { now: number; peak: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

describe('passmint serve under hostile uploads (spawns passmint serve)', () => {
  const dataDir = tempDataDir();
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer(
      { PASSMINT_DATA_DIR: dataDir, PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' },
      { discardLog: true },
    );
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = (bytes: Uint8Array) =>
    request(`${server.url}/api/validate`, {
      method: 'POST',
      key: server.key,
      raw: Buffer.from(bytes),
      headers: { 'content-type': 'application/zip' },
    });
  const createPass = () => request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: API_EXAMPLE_BODIES.create });

  test('four bombs at a time: each a 422 with its code, /healthz and POST /api/passes keep answering, memory stays bounded', async () => {
    const harmless = writeZip([{ name: 'pass.json', content: Buffer.from('{}') }]);
    // Normal running state: both workers loaded, a pass issued.
    expect((await Promise.all([upload(harmless), upload(harmless), createPass()])).map((response) => response.status)).toEqual([
      200, 200, 200,
    ]);
    const before = residentBytes(server.child.pid ?? 0);

    const bombs = [sizeLiarBomb(), emptyObjectsBomb()];
    const codes = ['zip_entry_size_mismatch', 'zip_entry_too_large'];
    const answers: ApiResponse[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let inFlight = true;
      const sideTraffic = (async () => {
        do answers.push(await request(`${server.url}/healthz`), await createPass());
        while (inFlight);
      })();
      const refused = await Promise.all([0, 1, 0, 1].map((which) => upload(bombs[which]!))).finally(() => (inFlight = false));
      await sideTraffic;
      expect(refused.map((response) => [response.status, response.json.code])).toEqual([0, 1, 0, 1].map((which) => [422, codes[which]]));
    }

    expect(answers.length).toBeGreaterThanOrEqual(2 * ROUNDS);
    expect(answers.filter((response) => response.status !== 200)).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
    const after = residentBytes(server.child.pid ?? 0);
    if (before !== undefined && after !== undefined) expect(after.peak - before.now).toBeLessThan(MAX_GROWTH_BYTES);
  });
});
