import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { createServiceAccountKey, startFakeGoogle, verifyGoogleSaveJwt, type FakeGoogle, googleServerEnv } from './fakes/fake-google';
import { freePort } from './test-support/processes';

/**
 * A POST with Google configured answers without waiting for Google: its save link carries the
 * whole class and object, the insert is queued in the outbox with the pass, and no link ever
 * names an object the fake Google doesn't have.
 */

const ISSUER = '3388000000012345678';
const SAVE_PREFIX = 'https://pay.google.com/gp/v/save/';
const { create: CREATE } = API_EXAMPLE_BODIES;

let dataDir: string;
let google: FakeGoogle;
let publicKeyPem: string;
let port: number;
let server: SpawnedServer;
/** The API key printed at the first start; a restarted server keeps it. */
let key: string;

function start(extra: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_PORT: String(port),
    ...googleServerEnv(google, ISSUER, join(dataDir, 'service-account.json')),
    ...extra,
  });
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const account = createServiceAccountKey({ email: 'passmint@test-project.iam.gserviceaccount.com' });
  publicKeyPem = account.publicKeyPem;
  google = await startFakeGoogle({ issuerId: ISSUER, serviceAccounts: [{ email: account.key.client_email, publicKeyPem }] });
  writeFileSync(join(dataDir, 'service-account.json'), JSON.stringify({ ...account.key, token_uri: google.tokenUrl }));
  port = await freePort();
  server = await start();
  key = server.key;
}, 60_000);

afterAll(async () => {
  google?.release();
  await server?.stop();
  await google?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Payload = { genericClasses?: Record<string, unknown>[]; genericObjects: Record<string, unknown>[] };

function payloadOf(saveUrl: unknown): Payload {
  expect(typeof saveUrl === 'string' && saveUrl.startsWith(SAVE_PREFIX)).toBe(true);
  const { claims } = verifyGoogleSaveJwt((saveUrl as string).slice(SAVE_PREFIX.length), publicKeyPem);
  return (claims as { payload: Payload }).payload;
}

/** A link works when it carries its object whole, or when Google has the object it names. */
function expectWorkingLink(saveUrl: unknown, serialNumber: string): 'carrying' | 'ids' {
  const payload = payloadOf(saveUrl);
  const [object] = payload.genericObjects;
  expect(object?.id).toBe(`${ISSUER}.${serialNumber}`);
  if (payload.genericClasses) {
    expect(object).toMatchObject({ classId: payload.genericClasses[0]?.id, barcode: { value: CREATE.barcodeValue } });
    return 'carrying';
  }
  expect(google.objects.has(`${ISSUER}.${serialNumber}`)).toBe(true);
  return 'ids';
}

async function issue(): Promise<{ serialNumber: string; googleSaveUrl: string | null; warnings?: string[] }> {
  const response = await request(`${server.url}/api/passes`, { method: 'POST', key, body: CREATE });
  expect(response.status).toBe(200);
  return response.json;
}

async function linkOf(serialNumber: string): Promise<unknown> {
  return (await request(`${server.url}/api/passes/${serialNumber}`, { key })).json.googleSaveUrl;
}

/** Polls GET until the link carries only ids: the queued insert has landed and been recorded. */
async function idsOnlyLinkOf(serialNumber: string): Promise<unknown> {
  for (let tries = 0; tries < 1200; tries++) {
    const saveUrl = await linkOf(serialNumber);
    if (expectWorkingLink(saveUrl, serialNumber) === 'ids') return saveUrl;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the link of ${serialNumber} never came to carry only ids`);
}

test('Google slow: the POST answers with a link carrying the object, GET too, and the queued insert lands once Google answers', async () => {
  google.hold();
  let serialNumber: string;
  try {
    const issued = await issue();
    serialNumber = issued.serialNumber;
    expect(expectWorkingLink(issued.googleSaveUrl, serialNumber)).toBe('carrying');
    expect(issued.warnings ?? []).toEqual([]);
    expect(google.objects.has(`${ISSUER}.${serialNumber}`)).toBe(false);
    expect(expectWorkingLink(await linkOf(serialNumber), serialNumber)).toBe('carrying');
  } finally {
    google.release();
  }
  expectWorkingLink(await idsOnlyLinkOf(serialNumber), serialNumber);
  expect(google.objects.get(`${ISSUER}.${serialNumber}`)).toMatchObject({ barcode: { value: CREATE.barcodeValue }, state: 'ACTIVE' });
});

test('Google down: the POST still answers with a working link, and the insert is retried until it lands', async () => {
  google.down();
  let serialNumber: string;
  try {
    const issued = await issue();
    serialNumber = issued.serialNumber;
    expect(expectWorkingLink(issued.googleSaveUrl, serialNumber)).toBe('carrying');
    expect(expectWorkingLink(await linkOf(serialNumber), serialNumber)).toBe('carrying');
  } finally {
    google.up();
  }
  expectWorkingLink(await idsOnlyLinkOf(serialNumber), serialNumber);
});

test('a crash between the POST and the insert: the restarted server still inserts', async () => {
  await server.stop();
  server = await start({ PASSMINT_PUSH_WORKER_DELAY_MS: '60000' });
  const { serialNumber, googleSaveUrl } = await issue();
  expect(expectWorkingLink(googleSaveUrl, serialNumber)).toBe('carrying');
  await server.stop('SIGKILL');
  expect(google.objects.has(`${ISSUER}.${serialNumber}`)).toBe(false);
  server = await start();
  expectWorkingLink(await idsOnlyLinkOf(serialNumber), serialNumber);
});
