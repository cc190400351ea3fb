import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { createPassmintClient } from '@passmint/client';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/server/testing';
import App from 'passmint-zapier';
import { createAppTester } from 'zapier-platform-core';
// The check `zapier validate` runs; the CLI itself needs Node 22, so the test calls it directly.
import { prepareApp, validateApp } from 'zapier-platform-core/src/tools/schema';
import { createSimulatedIphone } from './fakes/simulated-iphone';

// zapier-platform-core patches http(s).request for its request log when an app runs; core modules
// are shared by every test file of a jest worker, so the originals are put back afterwards.
const nodeRequests = { http: http.request, https: https.request };

let dataDir: string;
let server: SpawnedServer;
const appTester = createAppTester(App);

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await spawnServer({ PASSMINT_DATA_DIR: dataDir, PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' });
}, 60_000);
afterAll(async () => {
  Object.assign(http, { request: nodeRequests.http, patchedByZapier: false });
  Object.assign(https, { request: nodeRequests.https, patchedByZapier: false });
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const authData = () => ({ baseUrl: server.url, apiKey: server.key });
const passInput = {
  barcodeValue: 'ZAP-1',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  headerFields: [{ headerFieldsLabel: 'POINTS', headerFieldsValue: '1,250' }],
  primaryFields: [{ primaryFieldsLabel: 'CARD', primaryFieldsValue: 'Coffee Rewards' }],
};

test("the app definition passes Zapier's own schema validation", () => {
  expect(validateApp(prepareApp(App))).toEqual([]);
});

test('auth: the test call succeeds with a key and fails cleanly with a wrong one', async () => {
  await expect(appTester(App.authentication.test, { authData: authData() })).resolves.toMatchObject({ used: expect.any(Number) });
  await expect(appTester(App.authentication.test, { authData: { baseUrl: server.url, apiKey: `pm_live_${'x'.repeat(43)}` } })).rejects.toThrow(/API key is not valid/);
});

test('Create Pass, Update Pass, Find Pass by Serial and Void Pass against a real server', async () => {
  const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: passInput });
  expect(created.serialNumber).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const updated = await appTester(App.creates.update_pass.operation.perform, {
    authData: authData(),
    inputData: { ...passInput, serialNumber: created.serialNumber, headerFields: [{ headerFieldsLabel: 'POINTS', headerFieldsValue: '1,300', headerFieldsChangeMessage: 'Now %@' }] },
  });
  expect(updated).toMatchObject({ unchanged: false });
  const found = await appTester(App.searches.find_pass.operation.perform, { authData: authData(), inputData: { serialNumber: created.serialNumber } });
  expect(found).toEqual([expect.objectContaining({ id: created.serialNumber, body: expect.objectContaining({ headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'Now %@' }] }) })]);
  expect(await appTester(App.searches.find_pass.operation.perform, { authData: authData(), inputData: { serialNumber: 'AAAAAAAAAAAAAAAAAAAAAA' } })).toEqual([]);
  const voided = await appTester(App.creates.void_pass.operation.perform, { authData: authData(), inputData: { serialNumber: created.serialNumber } });
  expect(voided).toMatchObject({ voided: true });
});

test("an invalid body fails with the API's own message and path", async () => {
  await expect(appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: { ...passInput, color: 'green' } })).rejects.toThrow(/color/);
});

test('Pass Installed: a registration shows up once, with an id Zapier can deduplicate on', async () => {
  const created = await appTester(App.creates.create_pass.operation.perform, { authData: authData(), inputData: passInput });
  const pkpass = await createPassmintClient(authData()).getPassFile(created.serialNumber);
  const device = createSimulatedIphone({ trustedRoots: [readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8')], pushes: () => [] });
  device.addPass(pkpass);
  expect(await device.register(created.serialNumber)).toBe(201);
  const items = await appTester(App.triggers.pass_installed.operation.perform, { authData: authData() });
  const mine = items.filter((item: { serialNumber: string }) => item.serialNumber === created.serialNumber);
  expect(mine).toEqual([{ id: `apple:${device.deviceLibraryIdentifier}:${created.serialNumber}`, serialNumber: created.serialNumber, wallet: 'apple', installedAt: expect.any(String) }]);
  const again = await appTester(App.triggers.pass_installed.operation.perform, { authData: authData() });
  expect(again.map((item: { id: string }) => item.id)).toEqual(items.map((item: { id: string }) => item.id));
});
