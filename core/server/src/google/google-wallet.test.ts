import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PassRecord, TenantRecord } from '@passmint/engine';
import type { Store } from '../store/store-port';
import { createImageFetcher, type ImageFetcher } from '../images/safe-image-fetch';
import { createStoredImageSource, type StoredImageSource } from '../images/stored-image-source';
import { createSqliteStore } from '../store/sqlite-store';
import { canonicalOf } from '../stored-pass';
import { solidPng } from '../test-support/image-server';
import { startSwitchableImageHost, type SwitchableImageHost } from '../test-support/switchable-image-host';
import { createTestPki } from '../test-support/test-pki';
import { createAccessTokens } from './access-tokens';
import { createGoogleWallet } from './google-wallet';
import { createWalletApi } from './wallet-api';

const PUBLIC_URL = 'https://passes.example';
const LOGO = solidPng(660, 660);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let store: Store;
let host: SwitchableImageHost;
let fetcher: ImageFetcher;
let images: StoredImageSource;
let now = Date.parse('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-google-'));
  store = createSqliteStore(join(dir, 'passmint.db'));
  await store.migrate();
  const pki = createTestPki('Passmint Google Images Test CA');
  host = await startSwitchableImageHost(pki, LOGO);
  fetcher = createImageFetcher({ allowHosts: [`localhost:${host.port}`], ca: pki.caCert });
  images = createStoredImageSource({ store, fetcher, clock: () => new Date(now) });
});

afterAll(async () => {
  await host.close();
  await images.close();
  await fetcher.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function wallet() {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const account = { clientEmail: 'passmint@test.iam.gserviceaccount.com', privateKeyPem: privateKey, tokenUri: 'http://127.0.0.1:9/token' };
  return createGoogleWallet({
    issuerId: '3388000000012345678',
    account,
    // Never called here: rendering the object needs no Google.
    api: createWalletApi({ baseUrl: 'http://127.0.0.1:9/walletobjects/v1', tokens: createAccessTokens(account) }),
    origins: () => [PUBLIC_URL],
    publicUrl: () => PUBLIC_URL,
    imageHash: images.hashOf,
    callbackKeys: async () => [],
  });
}

test('the object a Google sync sends takes its images from the store while their host hangs', async () => {
  const logoURL = host.url('/logo.png');
  await images.resolve(logoURL);
  host.hang();
  now += 25 * 60 * 60_000;
  const tenant = { id: 'ten_g', name: 'Google Images' } as TenantRecord;
  const record = {
    serialNumber: 'G-IMAGES-1',
    createdAt: new Date(now).toISOString(),
    body: { barcodeValue: 'G', barcodeFormat: 'QR', logoURL },
  } as PassRecord;
  const { object } = await wallet().objectOf(tenant, record, canonicalOf(record));
  expect((object as { logo?: unknown }).logo).toMatchObject({ sourceUri: { uri: `${PUBLIC_URL}/i/${sha256(LOGO)}.png` } });
  // Rendered while the host holds the refresh the stale copy started, unanswered.
  for (let waited = 0; host.hanging() === 0 && waited < 20_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  expect({ requests: host.requests(), hanging: host.hanging() }).toEqual({ requests: 2, hanging: 1 });
});
