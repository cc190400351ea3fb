import { rmSync } from 'node:fs';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns } from './fakes/fake-apns';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { devIdentityAndApnsTls } from './test-support/dev-apns-tls';

// "The push went out: did the phone come and get the pass?" answered by the timeline, with a real
// server process (the fake APNs's certificate is trusted through NODE_EXTRA_CA_CERTS, which only
// a new process reads), the fake APNs and a simulated iPhone.

const { create: CREATE, update: UPDATE } = API_EXAMPLE_BODIES;

let dataDir: string;
let devCaPem: string;
let apns: FakeApns;
let server: SpawnedServer;

beforeAll(async () => {
  dataDir = tempDataDir();
  const { tls, caFile, ...dev } = devIdentityAndApnsTls(dataDir);
  devCaPem = dev.devCaPem;
  apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: devCaPem,
    topics: ['pass.dev.passmint.local'],
  });
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: caFile,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await apns?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Entry {
  id: string;
  at: string;
  kind: string;
  [field: string]: unknown;
}

async function timeline(serial: string, query = ''): Promise<{ status: number; json: { entries: Entry[]; next: string | null } }> {
  return request(`${server.url}/api/passes/${serial}/timeline${query}`, { key: server.key });
}

/** Wire activity is written in the background, a fraction of a second later: wait for it. */
async function timelineUntil(serial: string, done: (entries: Entry[]) => boolean): Promise<Entry[]> {
  for (let tries = 0; ; tries++) {
    const { json } = await timeline(serial, '?limit=500');
    if (done(json.entries)) return json.entries;
    if (tries > 600) throw new Error(`the timeline never got there: ${JSON.stringify(json.entries)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('update → push (200, apns-id, the device) → the phone fetches (200), then again (304); a /log naming the pass shows', async () => {
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: CREATE });
  const serial: string = created.json.serialNumber;
  const phone = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
  const held = phone.addPass(Buffer.from(created.json.applePass, 'base64'));
  expect(await phone.register(serial)).toBe(201);

  expect((await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key: server.key, body: UPDATE })).json).toMatchObject({
    notifiedDevices: 1,
  });
  expect(await phone.receivePush(60_000)).toEqual([serial]);
  const push = apns.pushes.find((sent) => sent.token === phone.pushToken)!;

  // Wallet fetches again later with the Last-Modified it has: nothing changed.
  const again = await fetch(`${held.webServiceURL}/v1/passes/${held.passTypeIdentifier}/${serial}`, {
    headers: { authorization: `ApplePass ${held.authenticationToken}`, 'if-modified-since': phone.pass(serial).lastModified! },
  });
  expect(again.status).toBe(304);
  const logged = await fetch(`${held.webServiceURL}/v1/log`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ logs: [`Get pass task (pass type ${held.passTypeIdentifier}, serial number ${serial}) finished`] }),
  });
  expect(logged.status).toBe(200);

  const entries = await timelineUntil(serial, (list) => list.some((entry) => entry.kind === 'device_log'));
  const wire = entries
    .filter((entry) => entry.kind !== 'event')
    .map((entry) => [entry.kind, entry.call, entry.status].filter((part) => part !== undefined).join(' '));
  expect(wire).toEqual(['device_log', 'web_service fetch 304', 'web_service fetch 200', 'push 200', 'web_service register 201']);
  // An update's event is dated with the pass's new Last-Modified, which moves to a later second
  // than the previous change's (If-Modified-Since has whole seconds): within a second of the
  // creation, as here, it can sort above the wire activity that followed it.
  const events = entries.filter((entry) => entry.kind === 'event').map((entry) => (entry.event as { type: string }).type);
  expect(events).toEqual(['pass.updated', 'pass.installed', 'pass.created']);
  expect(entries.at(-1)?.kind).toBe('event');
  const pushEntry = entries.find((entry) => entry.kind === 'push')!;
  expect(pushEntry).toMatchObject({ status: 200, apnsId: push.apnsId, reason: null, attempt: 1 });
  expect(pushEntry.deviceId).toMatch(/^dev_[0-9a-f]{24}$/);
  expect(entries.find((entry) => entry.kind === 'web_service' && entry.call === 'register')?.deviceId).toBe(pushEntry.deviceId);
  expect(JSON.stringify(entries)).not.toContain(phone.pushToken);
  expect(JSON.stringify(entries)).not.toContain(phone.deviceLibraryIdentifier);
}, 120_000);

test('a push APNs refuses shows its status and reason, still naming the device it was for', async () => {
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: CREATE });
  const serial: string = created.json.serialNumber;
  const phone = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
  phone.addPass(Buffer.from(created.json.applePass, 'base64'));
  expect(await phone.register(serial)).toBe(201);
  apns.respond(phone.pushToken, { status: 410, reason: 'Unregistered' });
  await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key: server.key, body: UPDATE });

  const entries = await timelineUntil(serial, (list) => list.some((entry) => entry.kind === 'push'));
  const registered = entries.find((entry) => entry.kind === 'web_service' && entry.call === 'register')!;
  expect(entries.find((entry) => entry.kind === 'push')).toMatchObject({
    status: 410,
    reason: 'Unregistered',
    attempt: 1,
    deviceId: registered.deviceId,
  });
}, 120_000);

test('limit is bounded: 500 at most, and a page holds no more than asked', async () => {
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: CREATE });
  const serial: string = created.json.serialNumber;
  expect((await timeline(serial, '?limit=501')).status).toBe(400);
  const page = await timeline(serial, '?limit=1');
  expect(page.json.entries).toHaveLength(1);
  expect(page.json.next).toBeNull();
});
