import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns } from './fakes/fake-apns';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { createTestTls } from './fakes/test-tls';
import { freePort, passmintCli, runPassmint } from './test-support/processes';

const { create: CREATE, update: UPDATE } = API_EXAMPLE_BODIES;

let dataDir: string;
let devCaPem: string;
let caFile: string;
let apns: FakeApns;
/** Made with the CLI before any server starts, so every server in this file accepts it. */
let key: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  passmintCli(dataDir, 'certs', 'dev');
  devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  const cli = (...args: string[]) => passmintCli(dataDir, ...args);
  cli('tenants', 'create', 'Faults');
  key = cli('keys', 'create', '--tenant', 'Faults');
  const tls = createTestTls();
  caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, tls.caPem);
  apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: devCaPem,
    topics: ['pass.dev.passmint.local'],
  });
}, 60_000);

afterAll(async () => {
  await apns?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(port: number, extra: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_PORT: String(port),
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: caFile,
    ...extra,
  });
}

function iphone() {
  return createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
}

test('kill -9 after two PUTs answered and before any push: after restart each device gets one push and the latest pass', async () => {
  const port = await freePort();
  // The worker waits a minute, so the process dies with the pushes still queued.
  const first = await start(port, { PASSMINT_PUSH_WORKER_DELAY_MS: '60000' });
  const created = await request(`${first.url}/api/passes`, { method: 'POST', key, body: CREATE });
  const serial: string = created.json.serialNumber;
  const devices = [iphone(), iphone()];
  for (const device of devices) {
    device.addPass(Buffer.from(created.json.applePass, 'base64'));
    expect(await device.register(serial)).toBe(201);
  }
  const requestsBefore = apns.requests;
  const updated = await request(`${first.url}/api/passes/${serial}`, { method: 'PUT', key, body: UPDATE });
  expect(updated.json).toMatchObject({ notifiedDevices: 2, unchanged: false });
  // A second change before the pushes went out rides on the same pushes.
  const again = await request(`${first.url}/api/passes/${serial}`, { method: 'PUT', key, body: API_EXAMPLE_BODIES.updateWithLocation });
  expect(again.json).toMatchObject({ notifiedDevices: 2, unchanged: false });
  await first.stop('SIGKILL');
  expect(apns.requests).toBe(requestsBefore);

  const second = await start(port);
  try {
    for (const device of devices) {
      expect(await device.receivePush(60_000)).toEqual([serial]);
      expect((device.pass(serial).passJson.generic as { headerFields: { value: string }[] }).headerFields[0]?.value).toBe('1,300');
      expect(device.pass(serial).passJson.locations).toEqual(API_EXAMPLE_BODIES.updateWithLocation.locations);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(devices.map((device) => device.pushCount())).toEqual([1, 1]);
  } finally {
    await second.stop();
  }
});

test('APNs hanging: the push times out, is retried and arrives; the worker is not stuck', async () => {
  const server = await start(await freePort(), { PASSMINT_APNS_TIMEOUT_MS: '2000' });
  try {
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE });
    const serial: string = created.json.serialNumber;
    const device = iphone();
    device.addPass(Buffer.from(created.json.applePass, 'base64'));
    await device.register(serial);
    apns.respond(device.pushToken, 'hang');
    await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key, body: UPDATE });
    expect(await device.receivePush(60_000)).toEqual([serial]);

    const other = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE });
    const next = iphone();
    next.addPass(Buffer.from(other.json.applePass, 'base64'));
    await next.register(other.json.serialNumber);
    await request(`${server.url}/api/passes/${other.json.serialNumber}`, { method: 'PUT', key, body: UPDATE });
    expect(await next.receivePush(60_000)).toEqual([other.json.serialNumber]);
  } finally {
    await server.stop();
  }
});

test('APNs 403 pauses the identity and /healthz says so', async () => {
  const server = await start(await freePort());
  try {
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE });
    const serial: string = created.json.serialNumber;
    const device = iphone();
    device.addPass(Buffer.from(created.json.applePass, 'base64'));
    await device.register(serial);
    apns.respond(device.pushToken, { status: 403, reason: 'BadCertificate' });
    await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key, body: UPDATE });
    const deadline = Date.now() + 60_000;
    let health = await request(`${server.url}/healthz`);
    while (health.json.apns.status !== 'paused' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = await request(`${server.url}/healthz`);
    }
    expect(health.json).toMatchObject({ status: 'degraded', apns: { status: 'paused', paused: [{ reason: 'BadCertificate' }] } });
    // The identity is paused as APNs answers, and the push put back to wait a moment later.
    const details = await poll(
      () => request(`${server.url}/api/passes/${serial}`, { key }),
      (answer) => answer.json.lastPush.lastError !== null,
    );
    expect(details.json.lastPush).toMatchObject({ pending: 1, lastError: '403 BadCertificate' });
  } finally {
    await server.stop();
  }
});

/** Asks `ask` every 50 ms until `done` holds for its answer (at most `timeoutMs`); the last answer. */
async function poll<T>(ask: () => Promise<T>, done: (answer: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let answer = await ask();
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await ask();
  }
  return answer;
}

test('APNs failing: /healthz says so with the last error, each attempt dates lastPush, a retry logs at warn and the push given up at error, and passmint check reports it', async () => {
  const server = await start(await freePort(), { PASSMINT_PUSH_MAX_ATTEMPTS: '2' });
  try {
    const created = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE });
    const serial: string = created.json.serialNumber;
    const device = iphone();
    device.addPass(Buffer.from(created.json.applePass, 'base64'));
    await device.register(serial);
    apns.respond(device.pushToken, { status: 500, reason: 'InternalServerError' }, { status: 500, reason: 'InternalServerError' });
    await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key, body: UPDATE });

    const details = () => request(`${server.url}/api/passes/${serial}`, { key });
    // The first answer that shows the failure comes while the push waits for its retry (1 s away).
    const failed = await poll(details, (answer) => answer.json.lastPush.lastError !== null);
    expect(failed.json.lastPush).toMatchObject({ lastError: '500 InternalServerError', lastAttemptAt: expect.stringMatching(/^\d{4}-/) });
    const health = await request(`${server.url}/healthz`);
    expect(health.json).toMatchObject({
      status: 'degraded',
      apns: { status: 'failing', failing: [{ lastError: '500 InternalServerError' }] },
    });

    const givenUp = await poll(details, (answer) => answer.json.lastPush.failed === 1);
    expect(givenUp.json.lastPush).toMatchObject({ pending: 0, failed: 1, lastError: '500 InternalServerError' });
    expect(Date.parse(givenUp.json.lastPush.lastAttemptAt)).toBeGreaterThan(Date.parse(failed.json.lastPush.lastAttemptAt));
    expect((await request(`${server.url}/healthz`)).json.apns).toMatchObject({
      status: 'failing',
      failing: [{ lastError: '500 InternalServerError' }],
    });

    const events = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes(serial) && line.includes('"msg":"push.'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(events.map(({ msg, level }) => ({ msg, level }))).toEqual([
      { msg: 'push.retry', level: 40 },
      { msg: 'push.dead', level: 50 },
    ]);

    const check = runPassmint({ PASSMINT_DATA_DIR: dataDir }, 'check', '--json');
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).outbox).toMatchObject({
      givenUp: 1,
      lastGivenUp: { serialNumber: serial, detail: '500 InternalServerError' },
    });
  } finally {
    await server.stop();
  }
});
