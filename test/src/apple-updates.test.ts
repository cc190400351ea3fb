import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns } from './fakes/fake-apns';
import { createSimulatedIphone, type SimulatedIphone } from './fakes/simulated-iphone';
import { createTestTls, type TestTls } from './fakes/test-tls';
import { passmintCli } from './test-support/processes';

const { create: CREATE, update: UPDATE } = API_EXAMPLE_BODIES;
/** Long enough for a push that is coming; a push that must not come is given the same time. */
const PUSH_WAIT_MS = 60_000;

let dataDir: string;
let tls: TestTls;
let caFile: string;
let devCaPem: string;
let apns: FakeApns;
let server: SpawnedServer;

function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: caFile,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    ...extra,
  };
}

async function startPassmint(extra: Record<string, string> = {}): Promise<SpawnedServer> {
  const started = await spawnServer(serverEnv(extra));
  // The pass's webServiceURL is built from the public URL; with port 0 that is the port it got.
  return started;
}

beforeAll(async () => {
  dataDir = tempDataDir();
  // The development identity exists before the fake APNs starts, so the fake can demand its certificate.
  passmintCli(dataDir, 'certs', 'dev');
  devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  tls = createTestTls();
  caFile = join(dataDir, 'test-ca.pem');
  writeFileSync(caFile, tls.caPem);
  apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: devCaPem,
    topics: ['pass.dev.passmint.local'],
  });
  server = await startPassmint();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await apns?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function iphone(): SimulatedIphone {
  return createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
}

async function issue(body: unknown = CREATE): Promise<{ serial: string; pkpass: Buffer }> {
  const response = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
  expect(response.status).toBe(200);
  return { serial: response.json.serialNumber, pkpass: Buffer.from(response.json.applePass, 'base64') };
}

async function put(serial: string, body: unknown) {
  const response = await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key: server.key, body });
  expect(response.status).toBe(200);
  return response.json as { notifiedDevices: number; unchanged: boolean };
}

function headerValue(passJson: Record<string, unknown>, key = 'headerFields'): { value: string; changeMessage?: string } {
  const generic = passJson.generic as Record<string, { value: string; changeMessage?: string }[]>;
  return generic[key]?.[0] as { value: string; changeMessage?: string };
}

describe('a pass update reaches the iPhone that holds it', () => {
  test('POST → register → PUT 1,250→1,300 → push → the device fetches 1,300 with the changeMessage', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    const held = device.addPass(pkpass);
    expect(held.webServiceURL).toBe(`${server.url}/apple`);
    expect(headerValue(held.passJson).value).toBe('1,250');
    expect(await device.register(serial)).toBe(201);
    expect(await device.register(serial)).toBe(200);

    const updated = await put(serial, UPDATE);
    expect(updated).toMatchObject({ unchanged: false, notifiedDevices: 1 });
    expect(await device.receivePush(PUSH_WAIT_MS)).toEqual([serial]);
    const field = headerValue(device.pass(serial).passJson);
    expect(field).toEqual({ key: 'header0', label: 'POINTS', value: '1,300', changeMessage: 'You hit %@ points. Free coffee unlocked!' });
    expect(apns.pushes.at(-1)).toMatchObject({
      token: device.pushToken,
      topic: 'pass.dev.passmint.local',
      payload: '{}',
      auth: 'certificate',
    });

    const details = await detailsOncePushed(serial);
    expect(details.json).toMatchObject({
      registeredDevices: 1,
      devices: { apple: 1, android: 0, google: 0 },
      lastPush: { delivered: 1, failed: 0, pending: 0 },
    });
  });

  test('an identical PUT sends no push', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    device.addPass(pkpass);
    await device.register(serial);
    await put(serial, UPDATE);
    await device.receivePush(PUSH_WAIT_MS);
    const pushes = apns.requests;
    expect(await put(serial, UPDATE)).toMatchObject({ unchanged: true, notifiedDevices: 0 });
    await expect(device.receivePush(1500)).rejects.toThrow(/no push/);
    expect(apns.requests).toBe(pushes);
  });

  test('three devices on one pass all get it; an unregistered one does not', async () => {
    const { serial, pkpass } = await issue();
    const devices = [iphone(), iphone(), iphone(), iphone()];
    for (const device of devices) {
      device.addPass(pkpass);
      expect(await device.register(serial)).toBe(201);
    }
    const leaving = devices.pop() as SimulatedIphone;
    expect(await leaving.unregister(serial)).toBe(200);
    expect(await put(serial, UPDATE)).toMatchObject({ notifiedDevices: 3 });
    for (const device of devices) {
      expect(await device.receivePush(PUSH_WAIT_MS)).toEqual([serial]);
      expect(headerValue(device.pass(serial).passJson).value).toBe('1,300');
    }
    expect(leaving.pushCount()).toBe(0);
  });

  test('DELETE voids the pass on the device', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    device.addPass(pkpass);
    await device.register(serial);
    const voided = await request(`${server.url}/api/passes/${serial}`, { method: 'DELETE', key: server.key });
    expect(voided.json.notifiedDevices).toBe(1);
    await device.receivePush(PUSH_WAIT_MS);
    expect(device.pass(serial).passJson.voided).toBe(true);
  });
});

describe("Apple's web service", () => {
  test("one pass's token does not open another pass", async () => {
    const first = await issue();
    const second = await issue();
    const device = iphone();
    device.addPass(first.pkpass);
    const secondHeld = device.addPass(second.pkpass);
    expect(await device.register(first.serial, secondHeld.authenticationToken)).toBe(401);
    const fetched = await fetch(`${server.url}/apple/v1/passes/pass.dev.passmint.local/${first.serial}`, {
      headers: { authorization: `ApplePass ${secondHeld.authenticationToken}` },
    });
    expect(fetched.status).toBe(401);
  });

  test('statuses: unknown pass 401, wrong pass type 401, bad body 400, no serials 204, string lastUpdated, 304, HEAD, log', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    const held = device.addPass(pkpass);
    const base = `${server.url}/apple/v1`;
    const auth = { authorization: `ApplePass ${held.authenticationToken}` };
    const registrations = `${base}/devices/${device.deviceLibraryIdentifier}/registrations`;
    expect(
      (
        await fetch(`${registrations}/pass.dev.passmint.local/AAAAAAAAAAAAAAAAAAAAAA`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"pushToken":"ab"}',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${registrations}/pass.other.type/${serial}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"pushToken":"ab"}',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${registrations}/pass.dev.passmint.local/${serial}`, {
          method: 'POST',
          headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
          body: '{"pushToken":"ab"}',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${registrations}/pass.dev.passmint.local/${serial}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"token":"ab"}',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await fetch(`${base}/devices/bad%20id/registrations/pass.dev.passmint.local/${serial}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"pushToken":"ab"}',
        })
      ).status,
    ).toBe(400);
    expect((await fetch(`${registrations}/pass.dev.passmint.local`)).status).toBe(204);

    expect(await device.register(serial)).toBe(201);
    const listed = await fetch(`${registrations}/pass.dev.passmint.local`);
    const body = (await listed.json()) as { serialNumbers: string[]; lastUpdated: unknown };
    expect(body.serialNumbers).toEqual([serial]);
    expect(typeof body.lastUpdated).toBe('string');
    expect((await fetch(`${registrations}/pass.dev.passmint.local?passesUpdatedSince=${body.lastUpdated as string}`)).status).toBe(204);

    const latest = await fetch(`${base}/passes/pass.dev.passmint.local/${serial}`, { headers: auth });
    expect(latest.status).toBe(200);
    const lastModified = latest.headers.get('last-modified') ?? '';
    expect(lastModified).toMatch(/GMT$/);
    expect(
      (await fetch(`${base}/passes/pass.dev.passmint.local/${serial}`, { headers: { ...auth, 'if-modified-since': lastModified } })).status,
    ).toBe(304);
    const head = await fetch(`${base}/passes/pass.dev.passmint.local/${serial}`, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('last-modified')).toBe(lastModified);
    expect(
      (
        await fetch(`${base}/log`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ logs: ['Web service error for pass.dev.passmint.local'] }),
        })
      ).status,
    ).toBe(200);
    expect(server.stdout()).not.toContain(device.deviceLibraryIdentifier);
  });

  test('two changes within one second both reach the device (Last-Modified moves a whole second)', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    device.addPass(pkpass);
    await device.register(serial);
    await put(serial, { ...CREATE, headerFields: [{ label: 'POINTS', value: '1' }] });
    await device.receivePush(PUSH_WAIT_MS);
    await put(serial, { ...CREATE, headerFields: [{ label: 'POINTS', value: '2' }] });
    await device.receivePush(PUSH_WAIT_MS);
    expect(headerValue(device.pass(serial).passJson).value).toBe('2');
  });

  test('Android wallet apps are recorded as such and never pushed through APNs', async () => {
    const { serial, pkpass } = await issue();
    const apple = iphone();
    const held = apple.addPass(pkpass);
    await apple.register(serial);
    const androidToken = 'android-registration-id-1234567890';
    const base = `${server.url}/apple/v1/devices`;
    const walletPasses = await fetch(`${base}/android-device-1/registrations/pass.dev.passmint.local/${serial}`, {
      method: 'POST',
      headers: {
        authorization: `AndroidPass ${held.authenticationToken}`,
        'user-agent': 'WalletPasses/3.4',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ pushToken: androidToken }),
    });
    expect(walletPasses.status).toBe(201);
    const pass2u = await fetch(`${base}/android-device-2/registrations/pass.dev.passmint.local/${serial}`, {
      method: 'POST',
      headers: { authorization: `ApplePass ${held.authenticationToken}`, 'x-pass-client': 'Passes', 'content-type': 'application/json' },
      body: JSON.stringify({ pushToken: `${androidToken}-2` }),
    });
    expect(pass2u.status).toBe(201);
    expect(await put(serial, UPDATE)).toMatchObject({ notifiedDevices: 1 });
    await apple.receivePush(PUSH_WAIT_MS);
    expect(apns.pushes.some((push) => push.token.startsWith('android'))).toBe(false);
    const details = await request(`${server.url}/api/passes/${serial}`, { key: server.key });
    expect(details.json.devices).toEqual({ apple: 1, android: 2, google: 0 });
  });
});

describe('faults', () => {
  test('APNs answering 500 then 200: delivered once', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    device.addPass(pkpass);
    await device.register(serial);
    apns.respond(device.pushToken, 500);
    await put(serial, UPDATE);
    expect(await device.receivePush(PUSH_WAIT_MS)).toEqual([serial]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(device.pushCount()).toBe(1);
  });

  test('410 Unregistered removes the registration', async () => {
    const { serial, pkpass } = await issue();
    const device = iphone();
    device.addPass(pkpass);
    await device.register(serial);
    apns.respond(device.pushToken, { status: 410, reason: 'Unregistered', timestamp: Date.now() + 60_000 });
    await put(serial, UPDATE);
    const details = await detailsOncePushed(serial);
    expect(details.json.devices.apple).toBe(0);
    expect(details.json.lastPush).toMatchObject({ pending: 0, failed: 1, lastError: '410 Unregistered' });
  });
});

/**
 * GET /api/passes/<serial> once no push of the pass is waiting: a push's outcome is written with
 * the worker's next batch, a moment after APNs answered (and the device may have synced by then).
 */
async function detailsOncePushed(serial: string) {
  const details = () => request(`${server.url}/api/passes/${serial}`, { key: server.key });
  await waitFor(async () => (await details()).json.lastPush.pending === 0, PUSH_WAIT_MS);
  return details();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
