import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { walletLinkPath } from '@passmint/shopify-app';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { createServiceAccountKey, startFakeGoogle, type FakeGoogle, googleServerEnv } from './fakes/fake-google';
import {
  deliverShopifyWebhook,
  shopifyOrderNodeFixture,
  shopifyOrderWebhookFixture,
  startFakeShopify,
  type FakeShopify,
  type ShopifyOrderWebhook,
} from './fakes/fake-shopify';
import { fieldByKey, storedPassOf, usedThisMonth } from './test-support/passes';
import { freePort } from './test-support/processes';

const run = promisify(execFile);
const API_KEY = 'passmint-test-client-id';
const API_SECRET = `shpss_${randomUUID().replace(/-/g, '')}`;
const LINK_SECRET = 'wallet-link-secret-0123456789';
const ISSUER = '3388000000012345678';
const GOOGLE_WAIT_MS = 30_000;

/** Products tagged `ticket` are the Harbour Lights festival; the order pass stays (`also`). */
const TEMPLATE = {
  shopName: 'Harbour Lights',
  tickets: {
    orderPass: 'also',
    rules: [
      {
        match: { tags: ['Ticket'] },
        event: {
          startsAt: '2027-06-12T18:00:00+02:00',
          endsAt: '2027-06-14T23:00:00+02:00',
          venue: { name: 'Harbour Stage', address: 'Kai 1, 20457 Hamburg', latitude: 53.54, longitude: 9.98, entrance: 'Gate B' },
          timeZone: 'Europe/Berlin',
        },
      },
    ],
  },
};

let dataDir: string;
let shopify: FakeShopify;
let google: FakeGoogle;
let server: SpawnedServer;

beforeAll(async () => {
  dataDir = tempDataDir();
  const account = createServiceAccountKey();
  google = await startFakeGoogle({
    issuerId: ISSUER,
    serviceAccounts: [{ email: account.key.client_email, publicKeyPem: account.publicKeyPem }],
  });
  // Ticket rules read line item products: the app asks for read_products as well.
  shopify = await startFakeShopify({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    orders: [],
    scopes: ['read_orders', 'write_orders', 'read_products'],
  });
  writeFileSync(join(dataDir, 'service-account.json'), JSON.stringify(account.key));
  writeFileSync(join(dataDir, 'shopify-ca.pem'), shopify.caPem);
  writeFileSync(join(dataDir, 'shopify-template.json'), JSON.stringify(TEMPLATE));
  server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    NODE_EXTRA_CA_CERTS: join(dataDir, 'shopify-ca.pem'),
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    ...googleServerEnv(google, ISSUER, join(dataDir, 'service-account.json')),
    PASSMINT_SHOPIFY_SHOP: shopify.shop,
    PASSMINT_SHOPIFY_API_KEY: API_KEY,
    PASSMINT_SHOPIFY_API_SECRET: API_SECRET,
    PASSMINT_SHOPIFY_LINK_SECRET: LINK_SECRET,
    PASSMINT_SHOPIFY_TEMPLATE: join(dataDir, 'shopify-template.json'),
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await shopify?.stop();
  await google?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let nextOrderId = 830000001;
const TICKET_ITEM = 466157049;
const MUG_ITEM = 466157050;

/**
 * A paid order of `tickets` weekend passes (a product tagged `ticket`) and a mug, as a webhook
 * body, and in the fake's Admin API with each line item's product.
 */
function newOrder(tickets: number, overrides: Partial<ShopifyOrderWebhook> = {}): ShopifyOrderWebhook {
  const id = nextOrderId++;
  const base = shopifyOrderWebhookFixture();
  const ticketItem = { ...base.line_items[0]!, id: TICKET_ITEM, quantity: tickets, variant_title: 'VIP' };
  const order = shopifyOrderWebhookFixture({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 10000}`,
    updated_at: '2026-11-20T10:15:31-05:00',
    financial_status: 'paid',
    fulfillment_status: null,
    fulfillments: [],
    line_items: [ticketItem, { ...ticketItem, id: MUG_ITEM, title: 'Harbour Mug', name: 'Harbour Mug', quantity: 1, variant_title: null }],
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
    lineItems: {
      nodes: [
        {
          id: `gid://shopify/LineItem/${TICKET_ITEM}`,
          title: ticketItem.title,
          quantity: tickets,
          variantTitle: 'VIP',
          product: { id: 'gid://shopify/Product/632910392', productType: 'Festival Pass', tags: ['festival', 'ticket'] },
        },
        {
          id: `gid://shopify/LineItem/${MUG_ITEM}`,
          title: 'Harbour Mug',
          quantity: 1,
          variantTitle: null,
          product: { id: 'gid://shopify/Product/632910393', productType: 'Merch', tags: ['mug'] },
        },
      ],
    },
  });
  shopify.orders.set(node.id, node);
  return order;
}

async function deliver(topic: string, body: object, eventId?: string) {
  const answer = await deliverShopifyWebhook(`${server.url}/commerce/shopify/webhooks`, {
    topic,
    shop: shopify.shop,
    body,
    apiSecretKey: API_SECRET,
    ...(eventId ? { eventId } : {}),
  });
  return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
}

interface TicketResult {
  lineItemId: string;
  unit: number;
  serialNumber: string;
  action: string;
}

/** The product of an order's ticket line item in the fake's Admin API, to change its id. */
const productOfFirstItem = (orderId: number) =>
  shopify.orders.get(`gid://shopify/Order/${orderId}`)!.lineItems.nodes[0]!.product as { id: string };

const ticketsOf = (json: Record<string, unknown>) => json.tickets as TicketResult[];
const storedPass = (serial: string) => storedPassOf(server.url, server.key, serial);
/** The wallet link as the customer's browser opens it, redirects not followed. */
async function openWalletLink(orderId: number): Promise<{ status: number; html: string; csp: string | null }> {
  const response = await fetch(walletUrl(orderId), { redirect: 'manual' });
  return { status: response.status, html: await response.text(), csp: response.headers.get('content-security-policy') };
}

const walletUrl = (orderId: number) => `${server.url}${walletLinkPath(shopify.shop, String(orderId), LINK_SECRET)}`;

test('an order of 3 tickets and a mug gets its order pass and 3 event tickets; a redelivery changes nothing', async () => {
  const order = newOrder(3);
  const created = await deliver('orders/create', order);
  expect(created).toMatchObject({ status: 200, json: { action: 'created', linked: true, shareUrl: walletUrl(order.id) } });
  const tickets = ticketsOf(created.json);
  expect(tickets.map((ticket) => [ticket.lineItemId, ticket.unit, ticket.action])).toEqual([
    [String(TICKET_ITEM), 0, 'created'],
    [String(TICKET_ITEM), 1, 'created'],
    [String(TICKET_ITEM), 2, 'created'],
  ]);
  const metafields = Object.fromEntries(
    (shopify.metafields.get(`gid://shopify/Order/${order.id}`) ?? []).map((field) => [field.key, field.value]),
  );
  expect(metafields).toEqual({ serial: created.json.serialNumber, pass_url: walletUrl(order.id) });

  const ticket = await storedPass(tickets[0]!.serialNumber);
  expect(ticket.body).toMatchObject({
    style: 'eventTicket',
    event: {
      name: order.line_items[0]!.title,
      startsAt: '2027-06-12T18:00:00+02:00',
      admissionLevel: 'VIP',
      venue: { name: 'Harbour Stage' },
    },
  });
  expect(fieldByKey(ticket.body, 'holder')?.value).toBe('Bob Norman');
  expect(fieldByKey(ticket.body, 'ticket')?.value).toBe('1 / 3');
  const barcodes = await Promise.all(tickets.map(async (one) => (await storedPass(one.serialNumber)).body.barcodeValue));
  expect(new Set(barcodes).size).toBe(3);

  const used = await usedThisMonth(server.url, server.key);
  const retry = await deliver('orders/create', order);
  expect(retry.json.action).toBe('unchanged');
  expect(ticketsOf(retry.json).map((one) => [one.serialNumber, one.action])).toEqual(tickets.map((one) => [one.serialNumber, 'unchanged']));
  expect(await usedThisMonth(server.url, server.key)).toBe(used);
});

test("a product's passmint.event metafield gives its tickets their own date and venue; invalid data is reported, not fatal", async () => {
  const order = newOrder(1);
  const product = productOfFirstItem(order.id);
  product.id = 'gid://shopify/Product/632910399';
  const own = { name: 'Winter Gala', startsAt: '2027-12-01T19:00:00+01:00', venue: { name: 'Opera House' } };
  shopify.metafields.set(product.id, [{ namespace: 'passmint', key: 'event', type: 'json', value: JSON.stringify(own) }]);
  const delivered = await deliver('orders/create', order);
  const [ticket] = ticketsOf(delivered.json);
  expect((await storedPass(ticket!.serialNumber)).body).toMatchObject({
    event: { name: 'Winter Gala', startsAt: own.startsAt, venue: { name: 'Opera House', entrance: 'Gate B' } },
  });

  const other = newOrder(1);
  const otherProduct = productOfFirstItem(other.id);
  otherProduct.id = 'gid://shopify/Product/632910398';
  shopify.metafields.set(otherProduct.id, [{ namespace: 'passmint', key: 'event', type: 'json', value: '{"startsAt":"soon"}' }]);
  const answer = await deliver('orders/create', other);
  expect(answer.json.ticketProblems).toEqual([expect.stringMatching(/^line item 466157049 .*the product's event data startsAt: /)]);
  expect((await storedPass(ticketsOf(answer.json)[0]!.serialNumber)).body).toMatchObject({
    event: { startsAt: '2027-06-12T18:00:00+02:00' },
  });
});

test('a ticket is a signed pass a phone accepts: the .pkpass behind its Apple button verifies with openssl', async () => {
  const order = newOrder(1);
  const delivered = await deliver('orders/create', order);
  const [ticket] = ticketsOf(delivered.json);
  const response = await fetch(`${server.url}/p/${ticket!.serialNumber}/pass.pkpass`);
  expect(response.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
  const { unzipSync } = await import('fflate');
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  const passJson = JSON.parse(Buffer.from(files['pass.json']!).toString('utf8')) as Record<string, unknown>;
  expect(passJson.eventTicket).toBeDefined();
  writeFileSync(join(dataDir, 'manifest.json'), files['manifest.json']!);
  writeFileSync(join(dataDir, 'signature'), files['signature']!);
  await run('openssl', [
    'smime',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    join(dataDir, 'signature'),
    '-content',
    join(dataDir, 'manifest.json'),
    '-CAfile',
    join(dataDir, 'dev-certs', 'dev-ca.pem'),
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
});

test('a lower quantity voids the extra tickets, and cancelling the order voids the rest', async () => {
  const order = newOrder(3);
  const tickets = ticketsOf((await deliver('orders/create', order)).json);
  const fewer = {
    ...order,
    updated_at: '2026-11-20T11:00:00-05:00',
    line_items: order.line_items.map((item, i) => (i === 0 ? { ...item, quantity: 1 } : item)),
  };
  const reduced = await deliver('orders/updated', fewer);
  expect(ticketsOf(reduced.json).map((one) => one.action)).toEqual(['updated', 'voided', 'voided']);
  expect(await Promise.all(tickets.map(async (one) => (await storedPass(one.serialNumber)).voided))).toEqual([false, true, true]);

  const cancelled = await deliver('orders/cancelled', {
    ...fewer,
    updated_at: '2026-11-20T12:00:00-05:00',
    cancelled_at: '2026-11-20T12:00:00-05:00',
  });
  expect(cancelled.status).toBe(200);
  expect(await Promise.all(tickets.map(async (one) => (await storedPass(one.serialNumber)).voided))).toEqual([true, true, true]);
  // A late copy of the first webhook brings nothing back.
  await deliver('orders/create', order);
  expect(await Promise.all(tickets.map(async (one) => (await storedPass(one.serialNumber)).voided))).toEqual([true, true, true]);
});

test('the wallet link shows the order pass and every ticket, each with its Apple and Google buttons', async () => {
  const order = newOrder(2);
  // The first open makes the passes (the order is read through the Admin API, with its products).
  const first = await openWalletLink(order.id);
  expect(first.status).toBe(200);
  const serials = [...first.html.matchAll(/data-serial="([^"]+)"/g)].map((found) => found[1]);
  expect(serials).toHaveLength(3);
  expect(first.csp).toMatch(/default-src 'none'/);

  // Google's buttons appear once the outbox has put each object on Google.
  const deadline = Date.now() + GOOGLE_WAIT_MS;
  let html = '';
  while (Date.now() < deadline) {
    html = (await openWalletLink(order.id)).html;
    if ((html.match(/data-action="google"/g) ?? []).length === 3) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(html.match(/data-kind="order"/g)).toHaveLength(1);
  expect(html.match(/data-kind="ticket"/g)).toHaveLength(2);
  expect(html.match(/data-action="apple"/g)).toHaveLength(3);
  expect(html.match(/data-action="google"/g)).toHaveLength(3);
  for (const serial of serials) expect(html).toContain(`href="${server.url}/p/${serial}/pass.pkpass"`);

  const byWebhook = await deliver('orders/paid', order);
  expect(ticketsOf(byWebhook.json).map((one) => one.serialNumber)).toEqual(serials.slice(1));
});

test("an order without ticket products keeps today's wallet link: a redirect to its one pass", async () => {
  const order = newOrder(0);
  const created = await deliver('orders/create', order);
  expect(created.json.tickets).toBeUndefined();
  expect((await openWalletLink(order.id)).status).toBe(302);
});

describe('the standalone app, next to a remote Passmint', () => {
  const STANDALONE_BIN = require.resolve('@passmint/shopify-app/package.json').replace(/package\.json$/, 'dist/standalone/cli.js');
  let app: ChildProcess;
  let appUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    app = spawn(process.execPath, [STANDALONE_BIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_EXTRA_CA_CERTS: join(dataDir, 'shopify-ca.pem'),
        PASSMINT_URL: server.url,
        PASSMINT_API_KEY: server.key,
        PASSMINT_SHOPIFY_SHOP: shopify.shop,
        PASSMINT_SHOPIFY_API_KEY: API_KEY,
        PASSMINT_SHOPIFY_API_SECRET: API_SECRET,
        PASSMINT_SHOPIFY_LINK_SECRET: LINK_SECRET,
        PASSMINT_SHOPIFY_PORT: String(port),
        PASSMINT_SHOPIFY_DATA_DIR: join(dataDir, 'standalone'),
        PASSMINT_SHOPIFY_TEMPLATE: join(dataDir, 'shopify-template.json'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      app.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (/listening on/.test(stderr)) resolve();
      });
      app.once('exit', (code) => reject(new Error(`passmint-shopify exited with ${String(code)}: ${stderr}`)));
    });
    appUrl = `http://127.0.0.1:${port}`;
  }, 30_000);

  afterAll(async () => {
    if (!app || app.exitCode !== null) return;
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGTERM');
    await exited;
  });

  test('makes the tickets through the API, voids the extras through it, and its wallet link lists them with both buttons', async () => {
    const order = newOrder(2);
    const answer = await deliverShopifyWebhook(`${appUrl}/commerce/shopify/webhooks`, {
      topic: 'orders/create',
      shop: shopify.shop,
      body: order,
      apiSecretKey: API_SECRET,
    });
    const created = JSON.parse(answer.body) as Record<string, unknown>;
    expect(created).toMatchObject({
      action: 'created',
      shareUrl: `${appUrl}${walletLinkPath(shopify.shop, String(order.id), LINK_SECRET)}`,
    });
    const tickets = ticketsOf(created);
    expect((await storedPass(tickets[1]!.serialNumber)).body).toMatchObject({ style: 'eventTicket' });

    const fewer = {
      ...order,
      updated_at: '2026-11-20T11:00:00-05:00',
      line_items: order.line_items.map((item, i) => (i === 0 ? { ...item, quantity: 1 } : item)),
    };
    await deliverShopifyWebhook(`${appUrl}/commerce/shopify/webhooks`, {
      topic: 'orders/updated',
      shop: shopify.shop,
      body: fewer,
      apiSecretKey: API_SECRET,
    });
    expect((await storedPass(tickets[1]!.serialNumber)).voided).toBe(true);

    const link = `${appUrl}${walletLinkPath(shopify.shop, String(order.id), LINK_SECRET)}`;
    const deadline = Date.now() + GOOGLE_WAIT_MS;
    let html = '';
    while (Date.now() < deadline) {
      const page = await fetch(link, { redirect: 'manual' });
      expect(page.status).toBe(200);
      html = await page.text();
      if ((html.match(/data-action="google"/g) ?? []).length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(html.match(/data-action="apple"/g)).toHaveLength(2);
    expect(html.match(/data-action="google"/g)).toHaveLength(2);
    expect(html).toContain(`href="${server.url}/p/${tickets[0]!.serialNumber}/pass.pkpass"`);
    expect(html).toContain('This ticket is no longer valid.');
  });
});
