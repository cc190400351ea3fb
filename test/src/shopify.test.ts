import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { walletLinkPath } from '@passmint/shopify-app';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns } from './fakes/fake-apns';
import {
  deliverShopifyWebhook,
  signShopifyWebhook,
  shopifyOrderNodeFixture,
  shopifyOrderWebhookFixture,
  startFakeShopify,
  SHOPIFY_ORDERS_CREATE_SAMPLE,
  SHOPIFY_SAMPLE_IDS,
  type FakeShopify,
  type ShopifyOrderWebhook,
} from './fakes/fake-shopify';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { createTestTls } from './fakes/test-tls';
import { fieldByKey, storedPassOf, usedThisMonth } from './test-support/passes';
import { passmintCli } from './test-support/processes';

const PUSH_WAIT_MS = 60_000;
const API_KEY = 'passmint-test-client-id';
const API_SECRET = `shpss_${randomUUID().replace(/-/g, '')}`;
const LINK_SECRET = 'wallet-link-secret-0123456789';

let dataDir: string;
let devCaPem: string;
let apns: FakeApns;
let shopify: FakeShopify;
let server: SpawnedServer;
/** Printed at the first start only. */
let apiKey: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  passmintCli(dataDir, 'certs', 'dev');
  devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  const tls = createTestTls();
  apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: devCaPem,
    topics: ['pass.dev.passmint.local'],
  });
  shopify = await startFakeShopify({ apiKey: API_KEY, apiSecretKey: API_SECRET, orders: [] });
  // One file for both fakes' CAs: Node reads NODE_EXTRA_CA_CERTS once, at start-up.
  writeFileSync(join(dataDir, 'test-ca.pem'), `${tls.caPem}\n${shopify.caPem}`);
  writeFileSync(join(dataDir, 'shopify-template.json'), JSON.stringify({ shopName: 'Harbour Lights', colorPreset: 'blue' }));
  server = await spawnServer(serverEnv());
  apiKey = server.key;
}, 60_000);

function serverEnv(): Record<string, string> {
  return {
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: join(dataDir, 'test-ca.pem'),
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    PASSMINT_SHOPIFY_SHOP: shopify.shop,
    PASSMINT_SHOPIFY_API_KEY: API_KEY,
    PASSMINT_SHOPIFY_API_SECRET: API_SECRET,
    PASSMINT_SHOPIFY_LINK_SECRET: LINK_SECRET,
    PASSMINT_SHOPIFY_TEMPLATE: join(dataDir, 'shopify-template.json'),
  };
}

afterAll(async () => {
  await server?.stop();
  await apns?.close();
  await shopify?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let nextOrderId = 820000001;

/** A new order, paid and not yet shipped, in the webhook (REST) shape, and in the fake's Admin API. */
function newOrder(overrides: Partial<ShopifyOrderWebhook> = {}): ShopifyOrderWebhook {
  const id = nextOrderId++;
  const order = shopifyOrderWebhookFixture({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 10000}`,
    created_at: '2026-11-20T10:15:30-05:00',
    updated_at: '2026-11-20T10:15:31-05:00',
    financial_status: 'paid',
    fulfillment_status: null,
    fulfillments: [],
    ...overrides,
  });
  const node = shopifyOrderNodeFixture({
    id: `gid://shopify/Order/${id}`,
    legacyResourceId: String(id),
    name: order.name,
    updatedAt: '2026-11-20T15:15:31Z',
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    fulfillments: [],
  });
  shopify.orders.set(node.id, node);
  return order;
}

async function deliver(topic: string, body: object | string, options: { eventId?: string; hmac?: string } = {}) {
  const answer = await deliverShopifyWebhook(`${server.url}/commerce/shopify/webhooks`, {
    topic,
    shop: shopify.shop,
    body,
    apiSecretKey: API_SECRET,
    ...options,
  });
  return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
}

const storedPass = (serial: string) => storedPassOf(server.url, apiKey, serial);

const fieldOf = fieldByKey;

const usage = () => usedThisMonth(server.url, apiKey);

function metafieldsOf(orderId: number | string) {
  return Object.fromEntries(
    (shopify.metafields.get(`gid://shopify/Order/${orderId}`) ?? []).map((field) => [`${field.namespace}.${field.key}`, field.value]),
  );
}

describe('order webhooks', () => {
  test('orders/create makes the pass and writes serial and link into order metafields through Admin GraphQL', async () => {
    const order = newOrder();
    const created = await deliver('orders/create', order);
    expect(created).toMatchObject({ status: 200, json: { action: 'created', linked: true } });
    const serial = String(created.json.serialNumber);
    expect(metafieldsOf(order.id)).toEqual({ 'passmint.serial': serial, 'passmint.pass_url': created.json.shareUrl });
    expect(shopify.calls.some((call) => call.operation === 'client_credentials' && call.status === 200)).toBe(true);

    const pass = await storedPass(serial);
    expect(fieldOf(pass.body, 'status')).toMatchObject({ value: 'Paid', changeMessage: `Order ${order.name}: %@` });
    expect(fieldOf(pass.body, 'customer')?.value).toBe('Bob Norman');
    const page = await fetch(String(created.json.shareUrl));
    expect(page.status).toBe(200);
  });

  test('a retry of the same event is recognised by its event id and does nothing', async () => {
    const order = newOrder();
    const eventId = randomUUID();
    const first = await deliver('orders/create', order, { eventId });
    const before = { usage: await usage(), calls: shopify.calls.length };
    expect(await deliver('orders/create', order, { eventId })).toMatchObject({ status: 200, json: { duplicate: eventId } });
    expect(await usage()).toBe(before.usage);
    expect(shopify.calls.length).toBe(before.calls);
    expect(first.json.action).toBe('created');
  });

  test('orders/fulfilled with tracking pushes to the iPhone; a late, older orders/updated is ignored', async () => {
    const order = newOrder();
    const created = await deliver('orders/create', order);
    const serial = String(created.json.serialNumber);
    const device = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
    device.addPass(Buffer.from(await (await fetch(`${created.json.shareUrl}/pass.pkpass`)).arrayBuffer()));
    expect(await device.register(serial)).toBe(201);

    const fulfilled = {
      ...order,
      updated_at: '2026-11-21T04:02:11-05:00',
      fulfillment_status: 'fulfilled',
      fulfillments: [
        {
          id: 1,
          status: 'success',
          tracking_company: 'UPS',
          tracking_number: '1Z2345678901234567',
          tracking_url: 'https://www.ups.com/track?tracknum=1Z2345678901234567',
        },
      ],
    };
    expect(await deliver('orders/fulfilled', fulfilled)).toMatchObject({ status: 200, json: { action: 'updated', notifiedDevices: 1 } });
    expect(await device.receivePush(PUSH_WAIT_MS)).toEqual([serial]);
    const held = device.pass(serial).passJson as Record<string, Record<string, unknown>>;
    const style = held.storeCard ?? held.generic ?? {};
    expect(fieldOf(style, 'status')).toMatchObject({ value: 'Shipped', changeMessage: `Order ${order.name}: %@` });
    expect(fieldOf(style, 'tracking')).toMatchObject({ value: '1Z2345678901234567', changeMessage: 'Shipped: tracking number %@' });

    const late = { ...order, updated_at: '2026-11-20T23:00:00-05:00' };
    expect(await deliver('orders/updated', late)).toMatchObject({ status: 200, json: { action: 'ignored', reason: 'stale' } });
    expect(fieldOf((await storedPass(serial)).body, 'status')?.value).toBe('Shipped');
  });

  test('a bad HMAC is a 401 and nothing is processed', async () => {
    const order = newOrder();
    const before = { usage: await usage(), calls: shopify.calls.length };
    const forged = await deliver('orders/create', order, { hmac: Buffer.from('forged').toString('base64') });
    expect(forged).toMatchObject({ status: 401, json: { code: 'invalid_webhook', error: expect.any(String) } });
    expect(await usage()).toBe(before.usage);
    expect(shopify.calls.length).toBe(before.calls);
    expect(metafieldsOf(order.id)).toEqual({});
  });

  test('orders/cancelled voids the pass', async () => {
    const order = newOrder();
    const created = await deliver('orders/create', order);
    const cancelled = {
      ...order,
      updated_at: '2026-11-22T09:00:00-05:00',
      cancelled_at: '2026-11-22T09:00:00-05:00',
      cancel_reason: 'customer',
    };
    expect(await deliver('orders/cancelled', cancelled)).toMatchObject({ status: 200, json: { action: 'updated' } });
    expect((await storedPass(String(created.json.serialNumber))).voided).toBe(true);
  });
});

describe('the signed "Add to Wallet" link of the order confirmation', () => {
  test('the first open makes the pass from the Admin API and redirects to it; later opens redirect to the same pass', async () => {
    const order = newOrder();
    const link = `${server.url}${walletLinkPath(shopify.shop, String(order.id), LINK_SECRET)}`;
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const location = String(first.headers.get('location'));
    expect(location).toMatch(/\/p\/[A-Za-z0-9_-]{22}$/);
    expect(metafieldsOf(order.id)['passmint.pass_url']).toBe(location);
    const serial = location.split('/').pop()!;
    expect(fieldOf((await storedPass(serial)).body, 'order')?.value).toBe(order.name);

    const before = await usage();
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe(location);
    // The webhook that follows the email finds the pass the link made.
    expect(await deliver('orders/create', order)).toMatchObject({ json: { serialNumber: serial } });
    expect(await usage()).toBe(before);
  });

  test('a link with a wrong signature, another shop or an unknown order answers 404 and makes nothing', async () => {
    const order = newOrder();
    const before = await usage();
    const forged = `${server.url}/commerce/shopify/wallet/${encodeURIComponent(shopify.shop)}/${order.id}?signature=${'0'.repeat(64)}`;
    expect((await fetch(forged, { redirect: 'manual' })).status).toBe(404);
    const otherShop = `${server.url}${walletLinkPath('other.myshopify.com', String(order.id), LINK_SECRET)}`;
    expect((await fetch(otherShop, { redirect: 'manual' })).status).toBe(404);
    const unknown = `${server.url}${walletLinkPath(shopify.shop, '999999999', LINK_SECRET)}`;
    const missing = await fetch(unknown, { redirect: 'manual' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'order_not_found' });
    expect(await usage()).toBe(before);
  });
});

describe('the mandatory privacy webhooks', () => {
  test("customers/data_request lists the customer's passes; customers/redact removes their name, voids the passes and forgets the orders", async () => {
    const customer = { id: 777001, email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' };
    const first = newOrder({ customer: { ...shopifyOrderWebhookFixture().customer!, ...customer } });
    const second = newOrder({ customer: { ...shopifyOrderWebhookFixture().customer!, ...customer } });
    const serials = [
      String((await deliver('orders/create', first)).json.serialNumber),
      String((await deliver('orders/create', second)).json.serialNumber),
    ];

    const report = await deliver('customers/data_request', {
      shop_id: 1,
      shop_domain: shopify.shop,
      customer: { id: customer.id, email: customer.email },
      orders_requested: [first.id],
      data_request: { id: 9 },
    });
    expect(report.status).toBe(200);
    expect((report.json.passes as { serialNumber: string }[]).map((pass) => pass.serialNumber).sort()).toEqual([...serials].sort());

    const redacted = await deliver('customers/redact', {
      shop_id: 1,
      shop_domain: shopify.shop,
      customer: { id: customer.id, email: customer.email },
      orders_to_redact: [first.id, second.id],
    });
    expect(redacted).toMatchObject({ status: 200, json: { redacted: 2 } });
    for (const serial of serials) {
      const pass = await storedPass(serial);
      expect(pass.voided).toBe(true);
      expect(JSON.stringify(pass.body)).not.toContain('Lovelace');
    }
    const after = await deliver('customers/data_request', {
      shop_id: 1,
      shop_domain: shopify.shop,
      customer: { id: customer.id },
      orders_requested: [],
      data_request: { id: 10 },
    });
    expect(after.json.passes).toEqual([]);
  });

  test('shop/redact forgets every order of the shop', async () => {
    const order = newOrder();
    await deliver('orders/create', order);
    const answer = await deliver('shop/redact', { shop_id: 1, shop_domain: shopify.shop });
    expect(answer.status).toBe(200);
    expect(Number(answer.json.redacted)).toBeGreaterThan(0);
    const report = await deliver('customers/data_request', {
      shop_id: 1,
      shop_domain: shopify.shop,
      customer: { id: order.customer!.id },
      orders_requested: [order.id],
      data_request: { id: 11 },
    });
    expect(report.json.passes).toEqual([]);
  });
});

describe('the OAuth install of a public app', () => {
  const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15';

  /** The merchant's browser at Shopify's authorize page: Shopify approves and sends it back signed. */
  function authorizeAtShopify(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      https
        .get(url, { ca: shopify.caPem, agent: false, headers: { 'user-agent': browser } }, (response) => {
          response.resume();
          if (response.statusCode !== 302 || !response.headers.location) reject(new Error(`authorize answered ${response.statusCode}`));
          else resolve(response.headers.location);
        })
        .on('error', reject);
    });
  }

  test('begin redirects to Shopify with our client id and callback; the signed callback exchanges the code once', async () => {
    const begin = await fetch(`${server.url}/commerce/shopify/auth`, { redirect: 'manual', headers: { 'user-agent': browser } });
    expect(begin.status).toBe(302);
    const authorize = new URL(String(begin.headers.get('location')));
    expect(`${authorize.host}${authorize.pathname}`).toBe(`${shopify.shop}/admin/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(API_KEY);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/commerce/shopify/auth/callback`);
    const cookies = begin.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');

    const callback = await authorizeAtShopify(authorize.toString());
    const finished = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': browser, cookie: cookies } });
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ installed: shopify.shop });
    expect(shopify.calls.filter((call) => call.operation === 'authorization_code').map((call) => call.status)).toEqual([200]);
    // The offline token is kept sealed: not in the database file or its -wal.
    const onDisk = ['passmint.db', 'passmint.db-wal']
      .filter((name) => existsSync(join(dataDir, name)))
      .map((name) => readFileSync(join(dataDir, name)));
    expect(onDisk.length).toBeGreaterThan(0);
    expect(onDisk.some((bytes) => bytes.includes(shopify.accessToken))).toBe(false);

    const replayed = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': browser, cookie: cookies } });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ code: 'install_refused' });
  });

  test('a callback without the state cookie or with a tampered signature is refused without a token request', async () => {
    const begin = await fetch(`${server.url}/commerce/shopify/auth`, { redirect: 'manual', headers: { 'user-agent': browser } });
    const callback = new URL(await authorizeAtShopify(String(begin.headers.get('location'))));
    const grants = shopify.calls.filter((call) => call.operation === 'authorization_code').length;
    const noCookie = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': browser } });
    expect(noCookie.status).toBe(400);
    expect(await noCookie.json()).toMatchObject({ code: 'install_refused' });
    callback.searchParams.set('shop', shopify.shop);
    callback.searchParams.set('code', 'forged-code');
    const cookies = begin.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
    const tampered = await fetch(callback, { redirect: 'manual', headers: { 'user-agent': browser, cookie: cookies } });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ code: 'install_refused' });
    expect(shopify.calls.filter((call) => call.operation === 'authorization_code').length).toBe(grants);
  });

  test('the installed token is kept across a restart: Admin calls use it instead of the client-credentials grant', async () => {
    await server.stop();
    server = await spawnServer(serverEnv());
    const grants = shopify.calls.filter((call) => call.operation === 'client_credentials').length;
    const order = newOrder();
    const link = await fetch(`${server.url}${walletLinkPath(shopify.shop, String(order.id), LINK_SECRET)}`, { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(metafieldsOf(order.id)['passmint.pass_url']).toBe(link.headers.get('location'));
    expect(shopify.calls.filter((call) => call.operation === 'client_credentials').length).toBe(grants);
  }, 60_000);
});

describe('webhooks that arrive together or out of shape', () => {
  test('orders/create and orders/paid for a new order at the same moment make one pass', async () => {
    const order = newOrder();
    const before = await usage();
    const answers = await Promise.all([
      deliver('orders/create', order),
      deliver('orders/paid', { ...order, updated_at: '2026-11-20T10:15:32-05:00' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(new Set(answers.map((answer) => answer.json.serialNumber)).size).toBe(1);
    expect(await usage()).toBe(before + 1);
    expect(shopify.metafields.get(`gid://shopify/Order/${order.id}`)).toHaveLength(2);
  });

  test('a body past the limit is a 413 and a signed body that is not JSON a 400, both in the error shape', async () => {
    const big = await fetch(`${server.url}/commerce/shopify/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    const notJson = await fetch(`${server.url}/commerce/shopify/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': signShopifyWebhook('not json', API_SECRET),
        'x-shopify-shop-domain': shopify.shop,
        'x-shopify-api-version': '2026-07',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
      },
      body: 'not json',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'invalid_body', error: expect.any(String) });
    for (const body of [{}, { ...newOrder(), updated_at: 'yesterday' }, { ...newOrder(), id: 'one' }]) {
      const answer = await deliver('orders/updated', body);
      expect(answer).toMatchObject({ status: 400, json: { code: 'invalid_order', error: expect.any(String) } });
    }
  });
});

describe("Shopify's own test notification for orders/create (ids past JavaScript's safe integers)", () => {
  test('is accepted and read exactly: the pass follows order 820982911946154508, its link waits until the order is in the shop', async () => {
    const before = await usage();
    const first = await deliver('orders/create', SHOPIFY_ORDERS_CREATE_SAMPLE);
    // The sample order is in no shop, so Shopify refuses the metafields: the pass stands, the answer says why.
    expect(first).toMatchObject({
      status: 200,
      json: { action: 'created', linked: false, linkRefused: expect.stringMatching(/Owner does not exist/) },
    });
    expect(await usage()).toBe(before + 1);
    const serial = String(first.json.serialNumber);
    const pass = await storedPass(serial);
    expect(fieldOf(pass.body, 'order')?.value).toBe('#9999');
    expect(fieldOf(pass.body, 'customer')?.value).toBe('John Smith');
    expect(pass.voided).toBe(true);

    // The signed email link names the order by its exact id, and finds the same pass.
    const link = await fetch(`${server.url}${walletLinkPath(shopify.shop, SHOPIFY_SAMPLE_IDS.order, LINK_SECRET)}`, { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toBe(first.json.shareUrl);

    // Privacy requests name the customer and the order by the same 18-digit ids.
    const request = `{"shop_id":548380009,"shop_domain":"${shopify.shop}","customer":{"id":${SHOPIFY_SAMPLE_IDS.customer},"email":"john@example.com"},"orders_requested":[${SHOPIFY_SAMPLE_IDS.order}],"data_request":{"id":9999}}`;
    const report = await deliver('customers/data_request', request);
    expect(report.json).toMatchObject({
      customerId: SHOPIFY_SAMPLE_IDS.customer,
      passes: [{ orderId: SHOPIFY_SAMPLE_IDS.order, serialNumber: serial }],
    });

    // Once the order exists in the shop, the next delivery writes the link onto exactly that order.
    const gid = `gid://shopify/Order/${SHOPIFY_SAMPLE_IDS.order}`;
    shopify.orders.set(gid, shopifyOrderNodeFixture({ id: gid, legacyResourceId: SHOPIFY_SAMPLE_IDS.order, name: '#9999' }));
    const again = await deliver('orders/create', SHOPIFY_ORDERS_CREATE_SAMPLE);
    expect(again).toMatchObject({ status: 200, json: { serialNumber: serial, linked: true } });
    expect(again.json.linkRefused).toBeUndefined();
    expect(metafieldsOf(SHOPIFY_SAMPLE_IDS.order)).toEqual({ 'passmint.serial': serial, 'passmint.pass_url': first.json.shareUrl });
    expect(await usage()).toBe(before + 1);
  });
});

describe('a second tenant created while the shop is configured', () => {
  test('does not stop the next start; the shop keeps making passes for the first tenant', async () => {
    // PASSMINT_SHOPIFY_TENANT is not set: the shop was bound to the only tenant there was.
    passmintCli(dataDir, 'tenants', 'create', 'Other');
    await server.stop();
    server = await spawnServer(serverEnv());
    expect(server.stderr()).toMatch(/Shopify: .*passes for tenant "Passmint" \(the first of 2; PASSMINT_SHOPIFY_TENANT chooses another\)/);
    const created = await deliver('orders/create', newOrder());
    expect(created).toMatchObject({ status: 200, json: { action: 'created' } });
    // The first tenant's key reads the pass; another tenant's serial would answer 404.
    await expect(storedPass(String(created.json.serialNumber))).resolves.toMatchObject({ voided: false });
  }, 60_000);
});
