import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { startFakeApns, type FakeApns } from './fakes/fake-apns';
import {
  deliverWooWebhook,
  pingWooWebhook,
  startFakeWooCommerce,
  wooOrderFixture,
  type FakeWooCommerce,
  type WooOrder,
} from './fakes/fake-woocommerce';
import { createSimulatedIphone } from './fakes/simulated-iphone';
import { createTestTls } from './fakes/test-tls';
import { fieldByKey, storedPassOf, usedThisMonth } from './test-support/passes';
import { passmintCli } from './test-support/processes';

const PUSH_WAIT_MS = 60_000;
const CONSUMER_KEY = `ck_${randomBytes(20).toString('hex')}`;
const CONSUMER_SECRET = `cs_${randomBytes(20).toString('hex')}`;
const WEBHOOK_SECRET = 'whsec-passmint-test-1';
const WEBHOOK_PATH = '/commerce/woocommerce/webhook';

let dataDir: string;
let devCaPem: string;
let apns: FakeApns;
let woo: FakeWooCommerce;
let server: SpawnedServer;
let webhookUrl: string;
/** Printed at the first start only; later starts of the same data directory keep it. */
let apiKey: string;

function serverEnv(): Record<string, string> {
  return {
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_APNS_URL: apns.url,
    NODE_EXTRA_CA_CERTS: join(dataDir, 'test-ca.pem'),
    PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
    PASSMINT_RATE_LIMIT_BURST: '1000',
    PASSMINT_WOOCOMMERCE_URL: woo.url,
    PASSMINT_WOOCOMMERCE_CONSUMER_KEY: CONSUMER_KEY,
    PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: CONSUMER_SECRET,
    PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PASSMINT_WOOCOMMERCE_TEMPLATE: join(dataDir, 'woo-template.json'),
  };
}

async function startPassmint(): Promise<void> {
  server = await spawnServer(serverEnv());
  apiKey ??= server.key;
  webhookUrl = `${server.url}${WEBHOOK_PATH}`;
}

beforeAll(async () => {
  dataDir = tempDataDir();
  passmintCli(dataDir, 'certs', 'dev');
  devCaPem = readFileSync(join(dataDir, 'dev-certs', 'dev-ca.pem'), 'utf8');
  const tls = createTestTls();
  writeFileSync(join(dataDir, 'test-ca.pem'), tls.caPem);
  writeFileSync(join(dataDir, 'woo-template.json'), JSON.stringify({ shopName: 'Bayroast Coffee', colorPreset: 'green' }));
  apns = await startFakeApns({
    tls: { keyPem: tls.keyPem, certPem: tls.certPem },
    clientCaPem: devCaPem,
    topics: ['pass.dev.passmint.local'],
  });
  woo = await startFakeWooCommerce({ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET });
  await startPassmint();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await apns?.close();
  await woo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let nextOrderId = 9100;

/** A new order in the fake store, as WooCommerce holds it. */
function newOrder(overrides: Partial<WooOrder> = {}): WooOrder {
  const order = wooOrderFixture({ id: nextOrderId, number: String(nextOrderId), ...overrides });
  nextOrderId += 1;
  woo.orders.set(order.id, order);
  return order;
}

function modified(order: WooOrder, minute: number, changes: Partial<WooOrder> = {}): WooOrder {
  const stamp = `2026-11-26T10:${String(minute).padStart(2, '0')}:00`;
  return { ...order, ...changes, date_modified: stamp, date_modified_gmt: stamp };
}

async function deliver(topic: 'order.created' | 'order.updated', order: WooOrder, signature?: string) {
  const answer = await deliverWooWebhook(webhookUrl, {
    topic,
    order,
    secret: WEBHOOK_SECRET,
    sourceUrl: `${woo.url}/`,
    ...(signature ? { signature } : {}),
  });
  return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
}

const storedPass = (serial: string) => storedPassOf(server.url, apiKey, serial);

const fieldOf = fieldByKey;

const usage = () => usedThisMonth(server.url, apiKey);

test('the creation ping gets a 200 and changes nothing', async () => {
  const writes = woo.writes.length;
  const answer = await pingWooWebhook(webhookUrl, 31);
  expect(answer.status).toBe(200);
  expect(woo.writes.length).toBe(writes);
});

test('order.created makes the pass, writes its link to order meta and a customer note, and the link serves the pass', async () => {
  const order = newOrder({ status: 'processing' });
  const created = await deliver('order.created', modified(order, 1));
  expect(created).toMatchObject({ status: 200, json: { action: 'created', linked: true } });
  const serial = String(created.json.serialNumber);
  const shareUrl = String(created.json.shareUrl);

  const pass = await storedPass(serial);
  expect(fieldOf(pass.body, 'status')).toMatchObject({ value: 'Paid', changeMessage: `Order #${order.number}: %@` });
  expect(fieldOf(pass.body, 'order')?.value).toBe(`#${order.number}`);

  const stored = woo.orders.get(order.id)!;
  expect(stored.meta_data).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ key: '_passmint_serial', value: serial }),
      expect.objectContaining({ key: '_passmint_pass_url', value: shareUrl }),
    ]),
  );
  const notes = woo.notes(order.id);
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatchObject({ customer_note: true, note: expect.stringContaining(shareUrl) });

  const page = await fetch(shareUrl);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`#${order.number}`);
  const file = await fetch(`${shareUrl}/pass.pkpass`);
  expect(file.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
});

test('a redelivery, and the order.updated our own writes cause, make no second pass, no second note and no push', async () => {
  const order = newOrder();
  const before = await usage();
  const first = await deliver('order.created', modified(order, 2));
  const writesAfterCreate = woo.writes.length;
  const pushes = apns.pushes.length;

  expect(await deliver('order.created', modified(order, 2))).toMatchObject({
    status: 200,
    json: { action: 'unchanged', serialNumber: first.json.serialNumber },
  });
  // What WooCommerce sends after our meta and note writes: the same order, a later date_modified.
  const echoed = woo.orders.get(order.id)!;
  expect(echoed.date_modified_gmt > '2026-11-26T10:02:00').toBe(true);
  expect(await deliver('order.updated', echoed)).toMatchObject({ status: 200, json: { action: 'unchanged' } });

  expect(await usage()).toBe(before + 1);
  expect(woo.writes.length).toBe(writesAfterCreate);
  expect(woo.notes(order.id)).toHaveLength(1);
  expect(apns.pushes.length).toBe(pushes);
});

test('completed with tracking: the pass shows it with change messages and the iPhone gets a push; a late older update is ignored', async () => {
  const order = newOrder();
  const created = await deliver('order.created', modified(order, 3));
  const serial = String(created.json.serialNumber);
  const device = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
  device.addPass(Buffer.from(await (await fetch(`${created.json.shareUrl}/pass.pkpass`)).arrayBuffer()));
  expect(await device.register(serial)).toBe(201);

  const tracking = [
    {
      tracking_provider: 'DHL',
      tracking_number: 'JD014600006281230704',
      custom_tracking_link: 'https://track.example/JD014600006281230704',
    },
  ];
  const shipped = modified(order, 20, {
    status: 'completed',
    meta_data: [...(order.meta_data ?? []), { key: '_wc_shipment_tracking_items', value: tracking }],
  });
  expect(await deliver('order.updated', shipped)).toMatchObject({ status: 200, json: { action: 'updated', notifiedDevices: 1 } });
  expect(await device.receivePush(PUSH_WAIT_MS)).toEqual([serial]);
  const held = device.pass(serial).passJson as Record<string, Record<string, { key: string; value: string; changeMessage?: string }[]>>;
  expect(held.storeCard ?? held.generic).toBeDefined();
  const onDevice = fieldOf(held.storeCard ?? held.generic ?? {}, 'status');
  expect(onDevice).toMatchObject({ value: 'Shipped', changeMessage: `Order #${order.number}: %@` });
  expect(fieldOf(held.storeCard ?? held.generic ?? {}, 'tracking')).toMatchObject({
    value: 'JD014600006281230704',
    changeMessage: 'Shipped: tracking number %@',
  });

  const late = modified(order, 10, { status: 'processing' });
  expect(await deliver('order.updated', late)).toMatchObject({ status: 200, json: { action: 'ignored', reason: 'stale' } });
  expect(fieldOf((await storedPass(serial)).body, 'status')?.value).toBe('Shipped');
  await expect(device.receivePush(1500)).rejects.toThrow(/no push/);
});

test('a bad signature is a 401 and nothing happens', async () => {
  const order = newOrder();
  const before = { usage: await usage(), writes: woo.writes.length };
  const forged = await deliver('order.created', modified(order, 4), Buffer.from('not the signature').toString('base64'));
  expect(forged.status).toBe(401);
  expect(forged.json).toMatchObject({ code: 'invalid_signature', error: expect.any(String) });
  expect(await usage()).toBe(before.usage);
  expect(woo.writes.length).toBe(before.writes);
});

test('a signed body that is not an order is a 400 with the error shape', async () => {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-signature': signatureOf('{"hello":1}'),
    },
    body: '{"hello":1}',
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ code: 'invalid_order' });
});

test('a cancelled order voids its pass on the phone', async () => {
  const order = newOrder();
  const created = await deliver('order.created', modified(order, 5));
  const serial = String(created.json.serialNumber);
  const device = createSimulatedIphone({ trustedRoots: [devCaPem], pushes: () => apns.pushes });
  device.addPass(Buffer.from(await (await fetch(`${created.json.shareUrl}/pass.pkpass`)).arrayBuffer()));
  await device.register(serial);

  expect(await deliver('order.updated', modified(order, 30, { status: 'cancelled' }))).toMatchObject({
    status: 200,
    json: { action: 'updated' },
  });
  await device.receivePush(PUSH_WAIT_MS);
  expect(device.pass(serial).passJson.voided).toBe(true);
  expect((await storedPass(serial)).voided).toBe(true);
  expect(await deliver('order.updated', modified(order, 40, { status: 'refunded' }))).toMatchObject({
    json: { action: 'ignored', reason: 'voided' },
  });
});

test('the order ↔ pass mapping survives a restart: the next update after it changes the same pass', async () => {
  const order = newOrder();
  const created = await deliver('order.created', modified(order, 6));
  await server.stop();
  await startPassmint();
  const shipped = await deliver('order.updated', modified(order, 50, { status: 'completed' }));
  expect(shipped).toMatchObject({ status: 200, json: { action: 'updated', serialNumber: created.json.serialNumber } });
  expect(fieldOf((await storedPass(String(created.json.serialNumber))).body, 'status')?.value).toBe('Shipped');
  expect(woo.notes(order.id)).toHaveLength(1);
}, 60_000);

function signatureOf(body: string): string {
  return createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64');
}

test('a bad shop template stops the server at start with the key it got wrong', async () => {
  const badTemplate = join(dataDir, 'bad-template.json');
  writeFileSync(badTemplate, JSON.stringify({ closedOrders: 'delete', colour: 'green' }));
  const otherDir = tempDataDir();
  try {
    const refused = spawnServer({ ...serverEnv(), PASSMINT_DATA_DIR: otherDir, PASSMINT_WOOCOMMERCE_TEMPLATE: badTemplate });
    await expect(refused).rejects.toThrow(/- PASSMINT_WOOCOMMERCE_TEMPLATE closedOrders: Invalid option: expected one of "void"\|"status"/);
    await expect(refused).rejects.toThrow(/- PASSMINT_WOOCOMMERCE_TEMPLATE: Unrecognized key: "colour"/);
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
}, 30_000);
