import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { createPassmintClient, PassmintApiError, PassmintNetworkError } from '@passmint/client';
import { PassmintBaseError, validatePkpass, withFieldKeys } from '@passmint/engine';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';

let dataDir: string;
let server: SpawnedServer;

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await spawnServer({ PASSMINT_DATA_DIR: dataDir, PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const client = () => createPassmintClient({ baseUrl: server.url, apiKey: server.key });

test('every method against a real server', async () => {
  const passmint = client();
  const created = await passmint.createPass(API_EXAMPLE_BODIES.create);
  expect(created.serialNumber).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const updated = await passmint.updatePass(created.serialNumber, API_EXAMPLE_BODIES.update);
  expect(updated).toMatchObject({ unchanged: false, notifiedDevices: 0 });
  expect((await passmint.updatePass(created.serialNumber, API_EXAMPLE_BODIES.update)).unchanged).toBe(true);
  const details = await passmint.getPass(created.serialNumber);
  // GET writes out every field row's key, here the derived ones.
  expect(details.body).toEqual(withFieldKeys(API_EXAMPLE_BODIES.update));
  const file = await passmint.getPassFile(created.serialNumber);
  expect((await passmint.validate(file)).valid).toBe(true);
  const issued = await passmint.createPassFile(API_EXAMPLE_BODIES.create);
  expect(validatePkpass(issued.pkpass).passJson).toMatchObject({ serialNumber: issued.serialNumber });
  expect((await passmint.preview(API_EXAMPLE_BODIES.create)).passJson).toMatchObject({ serialNumber: 'preview' });
  expect(await passmint.voidPass(created.serialNumber)).toMatchObject({ voided: true });
  expect((await passmint.usage()).used).toBeGreaterThanOrEqual(3);
});

test('patchPass merges into the stored body and updateField changes one row, each then a PUT', async () => {
  const passmint = client();
  const { serialNumber } = await passmint.createPass({ ...API_EXAMPLE_BODIES.create, description: 'Loyalty' });
  const patched = await passmint.patchPass(serialNumber, { description: null, logoText: 'Bayroast' });
  expect(patched).toMatchObject({ serialNumber, unchanged: false, notifiedDevices: 0 });
  expect((await passmint.patchPass(serialNumber, { logoText: 'Bayroast' })).unchanged).toBe(true);
  const { body } = await passmint.getPass(serialNumber);
  expect(body).toEqual(withFieldKeys({ ...API_EXAMPLE_BODIES.create, logoText: 'Bayroast' }));
  const points = body.headerFields![0]!.key!;
  expect(points).toBe('header0');
  const changed = await passmint.updateField(serialNumber, points, { value: 1300, changeMessage: 'You have %@ points' });
  expect(changed).toMatchObject({ serialNumber, unchanged: false });
  expect((await passmint.getPass(serialNumber)).body.headerFields).toEqual([
    { key: 'header0', label: 'POINTS', value: 1300, changeMessage: 'You have %@ points' },
  ]);
  await expect(passmint.updateField(serialNumber, 'no.such-key', { value: 1 })).rejects.toMatchObject({
    status: 404,
    code: 'field_not_found',
  });
  const invalid = await passmint.patchPass(serialNumber, { barcodeValue: null }).catch((error: unknown) => error);
  expect(invalid).toBeInstanceOf(PassmintApiError);
  expect(invalid).toMatchObject({ status: 400, code: 'invalid_body', issues: [{ path: 'barcodeValue' }] });
});

test('errors are typed and carry status, code and issues', async () => {
  const passmint = client();
  const invalid = await passmint.createPass({ barcodeFormat: 'QR' } as never).catch((error: unknown) => error);
  expect(invalid).toBeInstanceOf(PassmintApiError);
  expect(invalid).toMatchObject({ status: 400, code: 'invalid_body', issues: [{ path: 'barcodeValue' }] });
  await expect(passmint.getPass('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ status: 404, code: 'pass_not_found' });
  const wrongKey = createPassmintClient({ baseUrl: server.url, apiKey: `pm_live_${'x'.repeat(43)}` });
  await expect(wrongKey.usage()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  const nobody = createPassmintClient({ baseUrl: 'http://127.0.0.1:9', apiKey: server.key, retries: 0 });
  const unreachable = await nobody.usage().catch((error: unknown) => error);
  expect(unreachable).toBeInstanceOf(PassmintNetworkError);
  expect(unreachable).toMatchObject({ code: 'network_error' });
  // Both sit under the one base every Passmint error shares.
  expect(unreachable).toBeInstanceOf(PassmintBaseError);
  expect(invalid).toBeInstanceOf(PassmintBaseError);
});

/** A TCP proxy in front of the server that can lose the answer to the next request. */
async function lossyProxy(target: string): Promise<{ url: string; dropNextAnswer(): void; requests(): number; close(): Promise<void> }> {
  const { port } = new URL(target);
  let drop = false;
  let requests = 0;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const upstream = connect(Number(port), '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (data) => {
      if (/^(GET|POST|PUT|PATCH|DELETE) /.test(data.toString('latin1', 0, 8))) requests++;
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (drop) {
        // The server did the work; the client never hears of it.
        drop = false;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(data);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    dropNextAnswer: () => (drop = true),
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => proxy.close(done));
    },
  };
}

test('a POST whose answer is lost is retried with the same Idempotency-Key: one pass, not two', async () => {
  const proxy = await lossyProxy(server.url);
  try {
    const passmint = createPassmintClient({ baseUrl: proxy.url, apiKey: server.key, maxRetryDelayMs: 50 });
    const before = (await passmint.usage()).used;
    proxy.dropNextAnswer();
    const created = await passmint.createPass({ ...API_EXAMPLE_BODIES.create, barcodeValue: 'RETRY-SAFE-1' });
    expect(created.serialNumber).toBeTruthy();
    expect((await passmint.usage()).used).toBe(before + 1);
    expect(proxy.requests()).toBe(4);
  } finally {
    await proxy.close();
  }
});

test('a PATCH whose answer is lost is retried: a merge patch applied twice makes the same pass', async () => {
  const proxy = await lossyProxy(server.url);
  try {
    const passmint = createPassmintClient({ baseUrl: proxy.url, apiKey: server.key, maxRetryDelayMs: 50 });
    const { serialNumber } = await passmint.createPass({ ...API_EXAMPLE_BODIES.create, barcodeValue: 'RETRY-PATCH-1' });
    const before = proxy.requests();
    proxy.dropNextAnswer();
    const patched = await passmint.patchPass(serialNumber, { logoText: 'Retried' });
    // The first attempt changed the pass; the retry finds it so.
    expect(patched.unchanged).toBe(true);
    expect(proxy.requests()).toBe(before + 2);
    expect((await passmint.getPass(serialNumber)).body.logoText).toBe('Retried');
  } finally {
    await proxy.close();
  }
});

test('a refused request (4xx) is not repeated; a GET whose answer is lost is', async () => {
  const proxy = await lossyProxy(server.url);
  try {
    const passmint = createPassmintClient({ baseUrl: proxy.url, apiKey: server.key, maxRetryDelayMs: 50 });
    await expect(passmint.createPass({ barcodeFormat: 'QR' } as never)).rejects.toMatchObject({ status: 400 });
    expect(proxy.requests()).toBe(1);
    proxy.dropNextAnswer();
    expect((await passmint.usage()).month).toMatch(/^\d{4}-\d{2}$/);
    expect(proxy.requests()).toBe(3);
  } finally {
    await proxy.close();
  }
});
