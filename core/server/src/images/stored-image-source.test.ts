import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../store/store-port';
import { solidPng } from '../test-support/image-server';
import { startSwitchableImageHost, type SwitchableImageHost } from '../test-support/switchable-image-host';
import { createTestPki, type TestPki } from '../test-support/test-pki';
import { createSqliteStore } from '../store/sqlite-store';
import { createImageFetcher, type ImageFetcher } from './safe-image-fetch';
import { createStoredImageSource, type StoredImageSource } from './stored-image-source';

const DAY_MS = 24 * 60 * 60_000;
const FIRST = solidPng(4, 4, [200, 80, 40, 255]);
const SECOND = solidPng(4, 4, [20, 80, 200, 255]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let pki: TestPki;
let dir: string;
let store: Store;
let host: SwitchableImageHost;
let fetcher: ImageFetcher;
let images: StoredImageSource;
let now: number;

beforeAll(() => {
  pki = createTestPki('Passmint Image Source Test CA');
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passmint-images-'));
  store = createSqliteStore(join(dir, 'passmint.db'));
  await store.migrate();
  host = await startSwitchableImageHost(pki, FIRST);
  fetcher = createImageFetcher({ allowHosts: [`localhost:${host.port}`], ca: pki.caCert, timeoutMs: 30_000 });
  now = Date.parse('2026-03-01T10:00:00.000Z');
  images = createStoredImageSource({ store, fetcher, clock: () => new Date(now), retryFailedAfterMs: 60 * 60_000 });
});

afterEach(async () => {
  // The host goes first: a refresh it still holds then fails at once instead of at the timeout.
  await host.close();
  await images.close();
  await fetcher.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 20_000) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a URL never seen is fetched inside the request: a new pass needs its bytes', async () => {
  const url = host.url('/logo.png');
  expect((await images.resolve(url)).equals(FIRST)).toBe(true);
  expect(host.requests()).toBe(1);
  expect(await images.hashOf(url)).toBe(sha256(FIRST));
  expect((await images.resolve(url)).equals(FIRST)).toBe(true);
  expect(host.requests()).toBe(1);
});

test('a stale URL is answered from the store while its host hangs, and refreshed in the background', async () => {
  const url = host.url('/logo.png');
  await images.resolve(url);
  host.hang();
  now += DAY_MS + 1;
  expect(await images.hashOf(url)).toBe(sha256(FIRST));
  expect((await images.resolve(url)).equals(FIRST)).toBe(true);
  // Both answers came while the host held the one refresh they started, unanswered.
  await until(() => host.hanging() === 1);
  expect(host.requests()).toBe(2);

  // The host drops it and comes back with a new image. The failed refresh may be tried again an
  // hour after it failed (each look moves the clock past that); the next view starts one, and the
  // URL moves to the new image.
  host.serve(SECOND);
  host.dropHeld();
  await until(async () => {
    now += 60 * 60_000 + 1;
    return (await images.hashOf(url)) === sha256(SECOND);
  });
  expect(host.requests()).toBe(3);
  expect((await images.resolve(url)).equals(SECOND)).toBe(true);
});

test('hashOf never fetches: a URL the store does not know gives null, and is fetched in the background', async () => {
  host.hang();
  const url = host.url('/unknown.png');
  expect(await images.hashOf(url)).toBeNull();
  await until(() => host.hanging() === 1);
  expect(await images.hashOf(url)).toBeNull();
  expect(host.requests()).toBe(1);
});

test('concurrent views of a stale image start one refresh', async () => {
  const url = host.url('/logo.png');
  await images.resolve(url);
  host.hang();
  now += DAY_MS + 1;
  const hashes = await Promise.all(Array.from({ length: 50 }, () => images.hashOf(url)));
  expect(new Set(hashes)).toEqual(new Set([sha256(FIRST)]));
  await until(() => host.hanging() === 1);
  expect(host.requests()).toBe(2);
});
