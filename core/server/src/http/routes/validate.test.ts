import { performance } from 'node:perf_hooks';
import {
  busyWorkZip,
  deepJsonZip,
  emptyObjectsBomb,
  overlappingEntriesZip,
  pngHeaderOnly,
  sizeLiarBomb,
  writeZip,
} from '@passmint/engine/testing';
import { request, startInProcess, type ApiResponse, type InProcessServer } from '../../testing';

const PKPASS = { 'content-type': 'application/vnd.apple.pkpass' };

function upload(server: InProcessServer, bytes: Uint8Array): Promise<ApiResponse> {
  return request(`${server.url}/api/validate`, { method: 'POST', key: server.key, raw: Buffer.from(bytes), headers: PKPASS });
}

describe('hostile archives are refused with 422 and their own code', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(() => server.close());

  test.each([
    ['a 1 MB zip whose pass.json declares 100 bytes and inflates to 1 GiB', () => sizeLiarBomb(), 'zip_entry_size_mismatch'],
    ['a 16 KB zip holding a 16 MB pass.json of five million {}', () => emptyObjectsBomb(), 'zip_entry_too_large'],
    [
      'an image declaring 100000×100000 pixels',
      () => writeZip([{ name: 'icon.png', content: pngHeaderOnly(100_000, 100_000) }]),
      'image_dimensions_too_large',
    ],
    ['pass.json nested 100,000 deep', () => deepJsonZip(100_000), 'json_too_deep'],
    ['entries sharing their bytes', () => overlappingEntriesZip(), 'zip_entries_overlap'],
    [
      'an end record declaring 70,000 entries',
      () => writeZip([], { declaredEntryCount: 70_000, zip64Directory: true }),
      'zip_too_many_entries',
    ],
  ])('%s', async (_name, build, code) => {
    const response = await upload(server, build());
    expect(response.status).toBe(422);
    expect(response.json).toEqual({ error: expect.any(String), code });
    expect(response.json.error).not.toMatch(/\n\s+at /);
  });

  test('an invalid but harmless file still gets the 200 report', async () => {
    const response = await upload(server, writeZip([{ name: 'pass.json', content: Buffer.from('{}') }]));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ valid: false });
    expect(response.json.problems.map((problem: { code: string }) => problem.code)).toContain('manifest_missing');
  });
});

describe('validation runs off the event loop', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
  });
  afterAll(() => server.close());

  test('while four uploads keep the workers busy, the event loop stays mostly idle and /healthz answers throughout', async () => {
    const busy = busyWorkZip();
    await upload(server, busy); // workers loaded
    let uploading = true;
    const health: number[] = [];
    const poll = (async () => {
      while (uploading) {
        health.push((await request(`${server.url}/healthz`)).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const before = performance.eventLoopUtilization();
    const uploads = await Promise.all(Array.from({ length: 4 }, () => upload(server, busy))).finally(() => (uploading = false));
    const loop = performance.eventLoopUtilization(before);
    await poll;
    expect(uploads.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(health.length).toBeGreaterThan(1);
    expect(new Set(health)).toEqual(new Set([200]));
    // Validating on this thread kept it busy nearly all the time (utilisation close to 1).
    expect(loop.utilization).toBeLessThan(0.5);
  });
});

describe('limits of the worker pool', () => {
  let servers: InProcessServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });
  async function serverWith(env: Record<string, string>): Promise<InProcessServer> {
    const server = await startInProcess({ PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000', ...env });
    servers.push(server);
    return server;
  }

  test('past the workers and the queue an upload gets 429 validation_busy with Retry-After', async () => {
    const server = await serverWith({ PASSMINT_VALIDATE_WORKERS: '1', PASSMINT_VALIDATE_QUEUE: '0' });
    const busy = busyWorkZip();
    const responses = await Promise.all(Array.from({ length: 4 }, () => upload(server, busy)));
    const refused = responses.filter((response) => response.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(responses.filter((response) => response.status === 200).length).toBeGreaterThan(0);
    expect(refused[0]?.json.code).toBe('validation_busy');
    expect(refused[0]?.headers.get('retry-after')).toBe('1');
  });

  test('a validation past PASSMINT_VALIDATE_TIMEOUT_MS gets 422 validation_timed_out', async () => {
    const server = await serverWith({ PASSMINT_VALIDATE_WORKERS: '1', PASSMINT_VALIDATE_TIMEOUT_MS: '100' });
    const timedOut = await upload(server, busyWorkZip());
    expect(timedOut.status).toBe(422);
    expect(timedOut.json).toEqual({ error: expect.stringContaining('100 ms'), code: 'validation_timed_out' });
  });
});
