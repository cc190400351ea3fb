import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { type Browser, type BrowserContextOptions } from 'playwright-core';
import { validatePkpass, withFieldKeys } from '@passmint/engine';
import { API_EXAMPLE_BODIES, pngDataUri } from '@passmint/engine/testing';
import { request, type SpawnedServer } from '@passmint/cli/testing';
import { ARTIFACTS, startBrowserHarness, type BrowserHarness } from './test-support/browser-harness';

const run = promisify(execFile);

const DEVICES: Record<'iphone' | 'android' | 'desktop', BrowserContextOptions> = {
  iphone: {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
  },
  android: {
    userAgent: 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 2,
    isMobile: true,
  },
  desktop: {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    viewport: { width: 1280, height: 900 },
  },
};

let harness: BrowserHarness;
let server: SpawnedServer;
let browser: Browser;
let devCaPem: string;

beforeAll(async () => {
  // The designer previews as you type.
  harness = await startBrowserHarness({ google: true, env: { PASSMINT_RATE_LIMIT_PER_SECOND: '1000', PASSMINT_RATE_LIMIT_BURST: '1000' } });
  ({ server, browser, devCaPem } = harness);
}, 60_000);

afterAll(() => harness?.close());

async function issue(body: unknown) {
  const response = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body });
  expect(response.status).toBe(200);
  return response.json as { serialNumber: string; shareUrl: string; googleSaveUrl: string };
}

async function open(device: keyof typeof DEVICES, url: string) {
  const context = await browser.newContext(DEVICES[device]);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const response = await page.goto(url);
  return { page, response, dialogs, close: () => context.close() };
}

describe('the share page in a real browser', () => {
  let pass: Awaited<ReturnType<typeof issue>>;
  beforeAll(async () => {
    pass = await issue({
      ...API_EXAMPLE_BODIES.create,
      colorPreset: 'green',
      secondaryFields: [{ label: 'MEMBER', value: 'Ada Lovelace' }],
      logoURL: pngDataUri(320, 100, [250, 250, 250, 255]),
    });
  });

  test('iPhone: the pass, and "Add to Apple Wallet" downloading a pass that validates', async () => {
    const { page, close } = await open('iphone', pass.shareUrl);
    try {
      await expect(page.locator('[data-action=apple]').isVisible()).resolves.toBe(true);
      expect(await page.locator('[data-action=google]').count()).toBe(0);
      expect(await page.locator('.primary .value').textContent()).toBe('Coffee Rewards');
      expect(await page.locator('.fields').textContent()).toContain('Ada Lovelace');
      expect(await page.locator('.pass-top img').getAttribute('alt')).toMatch(/logo$/);
      await page.screenshot({ path: join(ARTIFACTS, 'share-iphone.png'), fullPage: true });
      const href = (await page.locator('[data-action=apple]').getAttribute('href')) ?? '';
      const download = await fetch(new URL(href, pass.shareUrl));
      expect(download.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
      expect(download.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.pkpass"/);
      const report = validatePkpass(new Uint8Array(await download.arrayBuffer()), { trustedRoots: [devCaPem] });
      expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    } finally {
      await close();
    }
  });

  test('Android: "Save to Google Wallet" linking to the save URL', async () => {
    const { page, close } = await open('android', pass.shareUrl);
    try {
      expect(await page.locator('[data-action=google]').getAttribute('href')).toBe(pass.googleSaveUrl);
      expect(await page.locator('[data-action=qr]').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'share-android.png'), fullPage: true });
    } finally {
      await close();
    }
  });

  test('desktop: a QR code that decodes to the page URL, and both buttons', async () => {
    const { page, close } = await open('desktop', pass.shareUrl);
    try {
      expect(await page.locator('[data-action=apple]').isVisible()).toBe(true);
      expect(await page.locator('[data-action=google]').isVisible()).toBe(true);
      const qr = PNG.sync.read(await page.locator('[data-action=qr] svg').screenshot());
      expect(jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height)?.data).toBe(pass.shareUrl);
      await page.screenshot({ path: join(ARTIFACTS, 'share-desktop.png'), fullPage: true });
    } finally {
      await close();
    }
  });

  test('openings are counted in GET /api/passes/<serial>', async () => {
    const details = await request(`${server.url}/api/passes/${pass.serialNumber}`, { key: server.key });
    expect(details.json.views).toBeGreaterThanOrEqual(3);
  });
});

describe('hostile pass content', () => {
  test('renders as text: no script runs, no dialog fires, and the CSP header is there', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(2)>',
      'javascript:alert(3)',
      '</script><script>alert(4)</script>',
    ];
    const pass = await issue({
      barcodeValue: 'XSS',
      barcodeFormat: 'QR',
      logoText: hostile[0],
      primaryFields: [{ label: hostile[1], value: hostile[2] }],
      secondaryFields: [{ label: 'a', value: hostile[3] }],
    });
    const { page, response, dialogs, close } = await open('desktop', pass.shareUrl);
    try {
      expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      expect(await page.locator('.logo-text').textContent()).toBe(hostile[0]);
      expect(await page.locator('.primary .label').textContent()).toBe(hostile[1]);
      expect(await page.locator('.primary .value').textContent()).toBe(hostile[2]);
      expect(await page.locator('.fields .value').textContent()).toBe(hostile[3]);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img[onerror]').count()).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('passes that cannot be installed', () => {
  test('a voided pass says so instead of offering install', async () => {
    const pass = await issue(API_EXAMPLE_BODIES.create);
    await request(`${server.url}/api/passes/${pass.serialNumber}`, { method: 'DELETE', key: server.key });
    const { page, close } = await open('iphone', pass.shareUrl);
    try {
      expect(await page.locator('[role=status]').textContent()).toMatch(/no longer valid/);
      expect(await page.locator('[data-action]').count()).toBe(0);
    } finally {
      await close();
    }
  });

  test('an unknown serial is a 404 page', async () => {
    const { page, response, close } = await open('desktop', `${server.url}/p/AAAAAAAAAAAAAAAAAAAAAA`);
    try {
      expect(response?.status()).toBe(404);
      expect(await page.locator('[role=status]').textContent()).toMatch(/does not exist/);
    } finally {
      await close();
    }
  });
});

describe('the designer in a real browser', () => {
  test('typing updates the preview; a bad colour shows its path; the copied curl command makes the previewed pass', async () => {
    const context = await browser.newContext(DEVICES.desktop);
    const page = await context.newPage();
    try {
      const response = await page.goto(`${server.url}/designer`);
      expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await page.fill('#apiKey', server.key);
      await page.waitForFunction(() => document.querySelector('#applePreview .logo-text')?.textContent === 'Bayroast Coffee');
      await page.fill('#logoText', 'Corner Café');
      await page.waitForFunction(() => document.querySelector('#applePreview .logo-text')?.textContent === 'Corner Café');
      await page.selectOption('#colorPreset', 'purple');
      await page.fill('#color', 'green');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="color"]')?.textContent ?? '').startsWith('color:'));
      await page.fill('#color', '#224466');
      await page.waitForFunction(() => document.querySelector('[data-error-for="color"]')?.textContent === '');
      await page.click('[data-add="secondaryFields"]');
      await page.fill('[data-rows="secondaryFields"] input[data-part="label"]', 'MEMBER');
      await page.fill('[data-rows="secondaryFields"] input[data-part="value"]', 'Grace Hopper');
      await page.waitForFunction(() => (document.querySelector('#applePreview')?.textContent ?? '').includes('Grace Hopper'));
      expect(await page.locator('#googlePreview .google-header').textContent()).toBe('Coffee Rewards');
      await page.screenshot({ path: join(ARTIFACTS, 'designer.png'), fullPage: true });

      const body = JSON.parse((await page.locator('#jsonBody').textContent()) ?? '{}');
      const curl = (await page.locator('#curl').textContent()) ?? '';
      // Asynchronously: the fake Google the server calls lives in this process.
      const created = JSON.parse(
        (await run('bash', ['-c', curl], { env: { PATH: process.env.PATH ?? '', KEY: server.key }, encoding: 'utf8' })).stdout,
      );
      const stored = await request(`${server.url}/api/passes/${created.serialNumber}`, { key: server.key });
      expect(stored.json.body).toEqual(withFieldKeys(body));
      const preview = await request(`${server.url}/api/preview`, { method: 'POST', key: server.key, body });
      const issued = passJsonOf(Buffer.from(created.applePass, 'base64'));
      for (const key of ['logoText', 'backgroundColor', 'foregroundColor', 'labelColor', 'barcodes', 'generic', 'organizationName']) {
        expect({ key, value: issued[key] }).toEqual({ key, value: preview.json.passJson[key] });
      }
    } finally {
      await context.close();
    }
  });
});

function passJsonOf(pkpass: Buffer): Record<string, unknown> {
  return JSON.parse(Buffer.from(unzipSync(pkpass)['pass.json'] ?? new Uint8Array()).toString('utf8'));
}
