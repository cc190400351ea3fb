import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevIdentity } from '@passmint/engine';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { createTestTls, createTokenKey, startFakeApns, type FakeApns } from './fakes';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { passmintCli } from './test-support/processes';

const BAKERY_TOPIC = 'pass.com.cornerbakery.loyalty';

let dataDir: string;
let apns: FakeApns;
let server: SpawnedServer;
let trustedRoots: string[];
let instanceKey: string;
let bakeryKey: string;

function cli(...args: string[]): string {
  return passmintCli(dataDir, ...args);
}

beforeAll(async () => {
  dataDir = tempDataDir();
  cli('certs', 'dev');
  const devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  const bakery = createDevIdentity({ passTypeIdentifier: BAKERY_TOPIC, teamIdentifier: 'BAKERY0001' });
  for (const [name, pem] of [
    ['bakery-cert.pem', bakery.certificatePem],
    ['bakery-key.pem', bakery.privateKeyPem],
    ['bakery-ca.pem', bakery.caCertificatePem],
  ] as const) {
    writeFileSync(join(dataDir, name), pem);
  }
  cli('tenants', 'create', 'Instance Shop');
  instanceKey = cli('keys', 'create', '--tenant', 'Instance Shop');
  cli(
    'tenants',
    'create',
    'Corner Bakery',
    '--apple-cert',
    join(dataDir, 'bakery-cert.pem'),
    '--apple-key',
    join(dataDir, 'bakery-key.pem'),
    '--apple-wwdr',
    join(dataDir, 'bakery-ca.pem'),
  );
  bakeryKey = cli('keys', 'create', '--tenant', 'Corner Bakery');
  trustedRoots = [devCaPem, bakery.caCertificatePem];

  const tls = createTestTls();
  writeFileSync(join(dataDir, 'test-ca.pem'), tls.caPem);
  const tokenKey = createTokenKey('PASSMINT01');
  writeFileSync(join(dataDir, 'AuthKey.p8'), tokenKey.privateKeyPem);
  apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    // Both CAs: the bakery's certificate authenticates its own pushes.
    clientCaPem: `${devCaPem}\n${bakery.caCertificatePem}`,
    tokenKeys: [{ keyId: tokenKey.keyId, teamId: tokenKey.teamId, publicKeyPem: tokenKey.publicKeyPem }],
    topics: ['pass.dev.passmint.local', BAKERY_TOPIC],
  });
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: join(dataDir, 'test-ca.pem'),
    PASSMINT_APNS_KEY: join(dataDir, 'AuthKey.p8'),
    PASSMINT_APNS_KEY_ID: tokenKey.keyId,
    PASSMINT_APNS_TEAM_ID: tokenKey.teamId,
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await apns?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function updateReachesDevice(key: string): Promise<{ topic: string; auth: string }> {
  const created = await request(`${server.url}/api/passes`, { method: 'POST', key, body: API_EXAMPLE_BODIES.create });
  expect(created.status).toBe(200);
  const serial: string = created.json.serialNumber;
  const device = createSimulatedIphone({ trustedRoots, pushes: () => apns.pushes });
  device.addPass(Buffer.from(created.json.applePass, 'base64'));
  expect(await device.register(serial)).toBe(201);
  const updated = await request(`${server.url}/api/passes/${serial}`, { method: 'PUT', key, body: API_EXAMPLE_BODIES.update });
  expect(updated.json.notifiedDevices).toBe(1);
  expect(await device.receivePush(5000)).toEqual([serial]);
  const push = apns.pushes.find((candidate) => candidate.token === device.pushToken);
  return { topic: push?.topic ?? '', auth: push?.auth ?? '' };
}

test("the instance's passes push with token auth (.p8) when it is configured", async () => {
  expect(await updateReachesDevice(instanceKey)).toEqual({ topic: 'pass.dev.passmint.local', auth: 'token' });
});

test('a tenant with its own certificate pushes with that certificate and its own topic', async () => {
  expect(await updateReachesDevice(bakeryKey)).toEqual({ topic: BAKERY_TOPIC, auth: 'certificate' });
});
