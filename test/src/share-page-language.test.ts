import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { type Browser } from 'playwright-core';
import { validatePkpass } from '@passmint/engine';
import { opensslVerifyPass } from '@passmint/engine/testing';
import { request, type SpawnedServer } from '@passmint/cli/testing';
import type { FakeGoogle } from './fakes/fake-google';
import { ARTIFACTS, startBrowserHarness, TEST_ISSUER as ISSUER, type BrowserHarness } from './test-support/browser-harness';

const BODY = {
  organizationName: 'Corner Café',
  logoText: 'Corner Café',
  barcodeValue: 'L10N-E2E',
  barcodeFormat: 'QR',
  primaryFields: [{ label: 'Points', value: '120', changeMessage: 'You now have %@ points' }],
  secondaryFields: [{ label: 'Level', value: 'Gold' }],
  backFields: [{ label: 'Terms', value: 'No cash value.' }],
  translations: {
    de: {
      Points: 'Punkte',
      'You now have %@ points': 'Du hast jetzt %@ Punkte',
      Level: 'Stufe',
      'No cash value.': 'Keine Barauszahlung.',
      Kafee: 'Kaffee',
    },
    fr: { Points: 'Points fidélité', Level: 'Niveau' },
  },
};

let harness: BrowserHarness;
let server: SpawnedServer;
let browser: Browser;
let devCaPem: string;
let google: FakeGoogle;

beforeAll(async () => {
  harness = await startBrowserHarness({ google: true });
  ({ server, browser, devCaPem } = harness);
  google = harness.google!;
}, 60_000);

afterAll(() => harness?.close());

describe('a pass in three languages', () => {
  let issued: { serialNumber: string; shareUrl: string; applePass: string; warnings?: string[] };
  beforeAll(async () => {
    const response = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: BODY });
    expect(response.status).toBe(200);
    issued = response.json;
  });

  test('the response warns about the translation of a text the pass does not have', () => {
    expect(issued.warnings).toEqual(['translations.de: "Kafee" is not a text of this pass']);
  });

  test('the .pkpass carries a pass.strings per language, in the manifest, signed, and accepted by the validator', () => {
    const pkpass = Buffer.from(issued.applePass, 'base64');
    const files = unzipSync(pkpass);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Record<string, string>;
    expect(
      Object.keys(manifest)
        .filter((name) => name.endsWith('.lproj/pass.strings'))
        .sort(),
    ).toEqual(['de.lproj/pass.strings', 'en.lproj/pass.strings', 'fr.lproj/pass.strings']);
    const german = Buffer.from(files['de.lproj/pass.strings']!.subarray(2)).toString('utf16le');
    expect(german).toContain('"You now have %@ points" = "Du hast jetzt %@ Punkte";');
    expect(german).not.toContain('Kafee');
    expect(opensslVerifyPass(pkpass, devCaPem).ok).toBe(true);
    const report = validatePkpass(new Uint8Array(pkpass), { trustedRoots: [devCaPem] });
    expect(report.problems.filter((problem) => problem.severity === 'error' || /^(strings|lproj)_/.test(problem.code))).toEqual([]);
  });

  test('the object Google stores carries the translations', async () => {
    // The POST answers before its queued insert puts the object on Google.
    for (let tries = 0; !google.objects.has(`${ISSUER}.${issued.serialNumber}`) && tries < 1200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const object = google.objects.get(`${ISSUER}.${issued.serialNumber}`);
    expect(object?.subheader).toEqual({
      defaultValue: { language: 'en-US', value: 'Points' },
      translatedValues: [
        { language: 'de', value: 'Punkte' },
        { language: 'fr', value: 'Points fidélité' },
      ],
    });
    expect(object?.textModulesData).toContainEqual(
      expect.objectContaining({
        header: 'Level',
        localizedHeader: {
          defaultValue: { language: 'en-US', value: 'Level' },
          translatedValues: [
            { language: 'de', value: 'Stufe' },
            { language: 'fr', value: 'Niveau' },
          ],
        },
      }),
    );
  });

  test('a German iPhone sees the share page in German', async () => {
    const context = await browser.newContext({
      locale: 'de-DE',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    try {
      const page = await context.newPage();
      const response = await page.goto(issued.shareUrl);
      expect(response?.headers()['content-language']).toBe('de');
      expect(response?.headers()['vary']).toBe('Accept-Language');
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      expect(await page.locator('.primary .label').textContent()).toBe('Punkte');
      expect(await page.locator('.fields').textContent()).toContain('Stufe');
      expect(await page.locator('[data-action=apple]').textContent()).toBe('Zu Apple Wallet hinzufügen');
      await page.screenshot({ path: join(ARTIFACTS, 'share-iphone-de.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('a browser in a language the pass lacks gets its default texts', async () => {
    const context = await browser.newContext({ locale: 'ja-JP' });
    try {
      const page = await context.newPage();
      await page.goto(issued.shareUrl);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('.primary .label').textContent()).toBe('Points');
    } finally {
      await context.close();
    }
  });
});
