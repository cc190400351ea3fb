import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { createServiceAccountKey, startFakeGoogle, type FakeGoogle, googleServerEnv } from '../fakes/fake-google';

/** Screenshots for a person to look at; written by every run, never committed. */
export const ARTIFACTS = resolve(__dirname, '../../artifacts');
export const TEST_ISSUER = '3388000000012345678';

export interface BrowserHarness {
  dataDir: string;
  server: SpawnedServer;
  browser: Browser;
  /** The development CA the server's passes are signed under (for openssl checks). */
  devCaPem: string;
  google?: FakeGoogle;
  close(): Promise<void>;
}

/**
 * A spawned server (optionally wired to a fake Google Wallet) and headless Debian chromium, for
 * the tests that look at pages the way a visitor does.
 */
export async function startBrowserHarness(options: { google?: boolean; env?: Record<string, string> } = {}): Promise<BrowserHarness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = tempDataDir();
  const google = options.google ? await fakeGoogleFor(dataDir) : undefined;
  const server = await spawnServer({ PASSMINT_DATA_DIR: dataDir, ...google?.env, ...options.env });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    dataDir,
    server,
    browser,
    devCaPem: readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8'),
    ...(google ? { google: google.fake } : {}),
    async close() {
      await browser.close();
      await server.stop();
      await google?.fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function fakeGoogleFor(dataDir: string): Promise<{ fake: FakeGoogle; env: Record<string, string> }> {
  const account = createServiceAccountKey();
  const fake = await startFakeGoogle({
    issuerId: TEST_ISSUER,
    serviceAccounts: [{ email: account.key.client_email, publicKeyPem: account.publicKeyPem }],
  });
  writeFileSync(join(dataDir, 'service-account.json'), JSON.stringify(account.key));
  return {
    fake,
    env: googleServerEnv(fake, TEST_ISSUER, join(dataDir, 'service-account.json')),
  };
}
