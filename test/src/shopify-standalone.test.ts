import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPassmintClient, type PassmintClient } from '@passmint/client';
import { walletLinkPath } from '@passmint/shopify-app';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import {
  deliverShopifyWebhook,
  shopifyOrderNodeFixture,
  shopifyOrderWebhookFixture,
  startFakeShopify,
  type FakeShopify,
} from './fakes/fake-shopify';
import { freePort } from './test-support/processes';

const STANDALONE_BIN = require.resolve('@passmint/shopify-app/package.json').replace(/package\.json$/, 'dist/standalone/cli.js');
const API_KEY = 'standalone-client-id';
const API_SECRET = `shpss_${randomUUID().replace(/-/g, '')}`;
const LINK_SECRET = 'standalone-link-secret-0123';

let passmintDir: string;
let appDir: string;
let passmint: SpawnedServer;
let client: PassmintClient;
let shopify: FakeShopify;
let app: { url: string; process: ChildProcess };
let appPort: number;

/** `passmint-shopify` as its own process, the way an operator runs it next to a remote Passmint. */
async function startApp(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [STANDALONE_BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_EXTRA_CA_CERTS: join(appDir, 'shopify-ca.pem'),
      PASSMINT_URL: passmint.url,
      PASSMINT_API_KEY: passmint.key,
      PASSMINT_SHOPIFY_SHOP: shopify.shop,
      PASSMINT_SHOPIFY_API_KEY: API_KEY,
      PASSMINT_SHOPIFY_API_SECRET: API_SECRET,
      PASSMINT_SHOPIFY_LINK_SECRET: LINK_SECRET,
      PASSMINT_SHOPIFY_PORT: String(appPort),
      PASSMINT_SHOPIFY_DATA_DIR: appDir,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (/listening on/.test(stderr)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`passmint-shopify exited with ${String(code)}: ${stderr}`)));
  });
  return { url: `http://127.0.0.1:${appPort}`, process: child };
}

async function stopApp(): Promise<void> {
  const exited = new Promise((resolve) => app.process.once('exit', resolve));
  app.process.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  passmintDir = tempDataDir();
  appDir = mkdtempSync(join(tmpdir(), 'passmint-shopify-'));
  passmint = await spawnServer({
    PASSMINT_DATA_DIR: passmintDir,
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
  });
  client = createPassmintClient({ baseUrl: passmint.url, apiKey: passmint.key });
  shopify = await startFakeShopify({ apiKey: API_KEY, apiSecretKey: API_SECRET, orders: [] });
  writeFileSync(join(appDir, 'shopify-ca.pem'), shopify.caPem);
  appPort = await freePort();
  app = await startApp();
}, 60_000);

afterAll(async () => {
  if (app) await stopApp();
  await passmint?.stop();
  await shopify?.stop();
  rmSync(passmintDir, { recursive: true, force: true });
  rmSync(appDir, { recursive: true, force: true });
});

let nextOrderId = 830000001;

function newOrder() {
  const id = nextOrderId++;
  const order = shopifyOrderWebhookFixture({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#S${id % 1000}`,
    financial_status: 'paid',
    fulfillment_status: null,
    fulfillments: [],
    updated_at: '2026-11-20T10:15:31-05:00',
  });
  const node = shopifyOrderNodeFixture({
    id: `gid://shopify/Order/${id}`,
    legacyResourceId: String(id),
    name: order.name,
    displayFulfillmentStatus: 'UNFULFILLED',
    fulfillments: [],
    updatedAt: '2026-11-20T15:15:31Z',
  });
  shopify.orders.set(node.id, node);
  return order;
}

async function deliver(topic: string, body: object) {
  const answer = await deliverShopifyWebhook(`${app.url}/commerce/shopify/webhooks`, {
    topic,
    shop: shopify.shop,
    body,
    apiSecretKey: API_SECRET,
  });
  return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
}

test('standalone: a webhook makes the pass on the remote Passmint through the API and links it in the order metafields', async () => {
  const order = newOrder();
  const created = await deliver('orders/create', order);
  expect(created).toMatchObject({ status: 200, json: { action: 'created', linked: true } });
  const serial = String(created.json.serialNumber);
  expect(created.json.shareUrl).toBe(`${passmint.url}/p/${serial}`);
  const pass = await client.getPass(serial);
  expect(pass.body.primaryFields).toEqual([expect.objectContaining({ key: 'order', value: order.name })]);
  const metafields = shopify.metafields.get(`gid://shopify/Order/${order.id}`) ?? [];
  expect(metafields.map((field) => [field.key, field.value])).toEqual([
    ['serial', serial],
    ['pass_url', `${passmint.url}/p/${serial}`],
  ]);
  expect((await deliver('orders/create', { ...order })).json).toMatchObject({ action: 'unchanged', serialNumber: serial });
  const forged = await deliverShopifyWebhook(`${app.url}/commerce/shopify/webhooks`, {
    topic: 'orders/create',
    shop: shopify.shop,
    body: order,
    apiSecretKey: 'not-the-secret',
  });
  expect(forged.status).toBe(401);
});

test('standalone: the order records survive a restart of the app, and the wallet link and redaction work through the API', async () => {
  const order = newOrder();
  const created = await deliver('orders/create', order);
  const serial = String(created.json.serialNumber);
  await stopApp();
  app = await startApp();

  const fulfilled = {
    ...order,
    updated_at: '2026-11-21T04:02:11-05:00',
    fulfillment_status: 'fulfilled',
    fulfillments: [{ id: 1, status: 'success', tracking_company: 'UPS', tracking_number: '1Z999', tracking_url: null }],
  };
  expect((await deliver('orders/fulfilled', fulfilled)).json).toMatchObject({ action: 'updated', serialNumber: serial });
  expect((await client.getPass(serial)).body.auxiliaryFields).toEqual([expect.objectContaining({ key: 'tracking', value: '1Z999' })]);

  const link = await fetch(`${app.url}${walletLinkPath(shopify.shop, String(order.id), LINK_SECRET)}`, { redirect: 'manual' });
  expect(link.status).toBe(302);
  expect(link.headers.get('location')).toBe(`${passmint.url}/p/${serial}`);

  const redacted = await deliver('customers/redact', {
    shop_id: 1,
    shop_domain: shopify.shop,
    customer: { id: order.customer!.id },
    orders_to_redact: [order.id],
  });
  expect(redacted.json).toMatchObject({ redacted: expect.any(Number) });
  const after = await client.getPass(serial);
  expect(after.voided).toBe(true);
  expect(JSON.stringify(after.body)).not.toContain('Norman');
}, 60_000);
