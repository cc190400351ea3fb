import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSwitchableJsonServer, type SwitchableJsonServer } from '../../test-support/switchable-json-server';
import { request, startInProcess, tempDataDir, type InProcessServer } from '../../testing';

const ISSUER = '3388000000012345678';

let dataDir: string;
let keysEndpoint: SwitchableJsonServer;
let server: InProcessServer;
let serial: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const serviceAccount = join(dataDir, 'service-account.json');
  writeFileSync(
    serviceAccount,
    JSON.stringify({ type: 'service_account', client_email: 'passmint@test.iam.gserviceaccount.com', private_key: privateKey }),
  );
  keysEndpoint = await startSwitchableJsonServer('hang');
  server = await startInProcess({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_GOOGLE_ISSUER_ID: ISSUER,
    PASSMINT_GOOGLE_SERVICE_ACCOUNT: serviceAccount,
    // Nothing listens on port 9: Google itself is unreachable, which only matters to the save link.
    PASSMINT_GOOGLE_API_URL: 'http://127.0.0.1:9/walletobjects/v1',
    PASSMINT_GOOGLE_TOKEN_URL: 'http://127.0.0.1:9/token',
    PASSMINT_GOOGLE_CALLBACK_KEYS_URL: keysEndpoint.url,
  });
  const created = await request(`${server.url}/api/passes`, {
    method: 'POST',
    key: server.key,
    body: { barcodeValue: 'CALLBACK-1', barcodeFormat: 'QR' },
  });
  expect(created.status).toBe(200);
  serial = created.json.serialNumber;
}, 60_000);

afterAll(async () => {
  await keysEndpoint?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A callback naming one of our passes, signed by nobody. */
function forgedCallback(nonce: string) {
  const signedMessage = JSON.stringify({
    classId: `${ISSUER}.x`,
    objectId: `${ISSUER}.${serial}`,
    eventType: 'save',
    nonce,
    expTimeMillis: String(Date.now() + 60_000),
  });
  return fetch(`${server.url}/google/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      protocolVersion: 'ECv2SigningOnly',
      signature: 'AAAA',
      intermediateSigningKey: { signedKey: '{}', signatures: ['AAAA'] },
      signedMessage,
    }),
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 20_000) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("50 forged callbacks while Google's key list hangs, then fails: one key fetch in all, and every answer a 503 saying when to retry", async () => {
  const first = Array.from({ length: 50 }, (_, i) => forgedCallback(`hang-${i}`));
  await until(() => keysEndpoint.hanging() === 1);
  keysEndpoint.set({ status: 500, body: {} });
  keysEndpoint.dropHeld();
  const answers = await Promise.all(first);
  // The key list is not asked again within the minute, whatever comes.
  answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => forgedCallback(`after-${i}`)))));
  expect(keysEndpoint.requests()).toBe(1);
  for (const answer of answers) {
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await answer.json()).toEqual({ error: expect.stringContaining('retry later'), code: 'google_keys_unavailable' });
  }
  const details = await request(`${server.url}/api/passes/${serial}`, { key: server.key });
  expect(details.json.devices.google).toBe(0);
  // A flood of them is a warning each, never an error that buries real failures.
  const lines = server.logLines().map((line) => JSON.parse(line) as { level: number; msg: string });
  expect(lines.filter((line) => line.msg === 'request deferred' && line.level === 40)).toHaveLength(100);
  expect(lines.filter((line) => line.msg === 'request failed')).toEqual([]);
});
