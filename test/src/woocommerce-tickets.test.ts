import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { wooOrderPagePath } from '@passmint/woocommerce';
import { spawnServer, tempDataDir, type SpawnedServer } from '@passmint/cli/testing';
import { deliverWooWebhook, startFakeWooCommerce, wooOrderFixture, type FakeWooCommerce, type WooOrder } from './fakes/fake-woocommerce';
import { fieldByKey, storedPassOf, usedThisMonth } from './test-support/passes';
import { closeAll } from './test-support/cleanup';

const DATABASE_URL = process.env.PASSMINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONSUMER_KEY = `ck_${randomBytes(20).toString('hex')}`;
const CONSUMER_SECRET = `cs_${randomBytes(20).toString('hex')}`;
const WEBHOOK_SECRET = 'whsec-passmint-test-tickets';
const CONCERT = 31;
const CUP = 57;
const GALA = 33;

/** Products in the category "Concerts" (or tagged `ticket`) are tickets, and replace the order pass. */
const TEMPLATE = {
  shopName: 'Bayroast Live',
  tickets: {
    orderPass: 'instead',
    rules: [
      {
        match: { categories: ['concerts'] },
        event: {
          startsAt: '2027-03-05T20:00:00+01:00',
          venue: { name: 'Roastery Hall' },
          admissionLevel: 'Standing',
          timeZone: 'Europe/Berlin',
        },
      },
    ],
  },
};

describe.each([
  ['SQLite', false],
  ['PostgreSQL (needs PostgreSQL)', true],
])('WooCommerce tickets on %s', (_name, postgres) => {
  const schema = `passmint_woo_tickets_${randomBytes(4).toString('hex')}`;
  let dataDir: string;
  let woo: FakeWooCommerce;
  let server: SpawnedServer;
  let nextOrderId = 9500;

  beforeAll(async () => {
    dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'woo-template.json'), JSON.stringify(TEMPLATE));
    woo = await startFakeWooCommerce({
      consumerKey: CONSUMER_KEY,
      consumerSecret: CONSUMER_SECRET,
      products: [
        {
          id: CONCERT,
          name: 'Night of Espresso Jazz',
          slug: 'night-of-espresso-jazz',
          type: 'simple',
          status: 'publish',
          categories: [{ id: 9, name: 'Concerts', slug: 'concerts' }],
          tags: [{ id: 4, name: 'Live', slug: 'live' }],
        },
        {
          id: GALA,
          name: 'Roastery Gala',
          slug: 'roastery-gala',
          type: 'simple',
          status: 'publish',
          categories: [{ id: 9, name: 'Concerts', slug: 'concerts' }],
          tags: [],
          meta_data: [{ id: 1, key: 'passmint_event', value: '{"startsAt":"2027-04-01T19:30:00+02:00","venue":{"name":"Old Port Hall"}}' }],
        },
        { id: CUP, name: 'Ceramic Cup', slug: 'ceramic-cup', type: 'variable', status: 'publish', categories: [], tags: [] },
      ],
    });
    server = await spawnServer({
      PASSMINT_DATA_DIR: dataDir,
      ...(postgres ? { PASSMINT_DATABASE_URL: `${DATABASE_URL}?schema=${schema}` } : {}),
      PASSMINT_RATE_LIMIT_PER_SECOND: '1000',
      PASSMINT_RATE_LIMIT_BURST: '1000',
      PASSMINT_WOOCOMMERCE_URL: woo.url,
      PASSMINT_WOOCOMMERCE_CONSUMER_KEY: CONSUMER_KEY,
      PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: CONSUMER_SECRET,
      PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PASSMINT_WOOCOMMERCE_TEMPLATE: join(dataDir, 'woo-template.json'),
    });
  }, 60_000);

  afterAll(() =>
    closeAll([
      () => server?.stop(),
      () => woo?.stop(),
      async () => {
        if (!postgres) return;
        const admin = new Client({ connectionString: DATABASE_URL });
        await admin.connect();
        try {
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await admin.end();
        }
      },
      () => rmSync(dataDir, { recursive: true, force: true }),
    ]),
  );

  /** An order of `tickets` concert tickets and a cup, in the fake store. */
  function newOrder(tickets: number, productId = CONCERT): WooOrder {
    const fixture = wooOrderFixture();
    const [first, second] = fixture.line_items;
    const order = wooOrderFixture({
      id: nextOrderId,
      number: String(nextOrderId),
      line_items: [
        { ...first!, name: 'Night of Espresso Jazz', product_id: productId, quantity: tickets },
        { ...second!, product_id: CUP },
      ],
    });
    nextOrderId += 1;
    woo.orders.set(order.id, order);
    return order;
  }

  function modified(order: WooOrder, minute: number, changes: Partial<WooOrder> = {}): WooOrder {
    const stamp = `2026-11-26T18:${String(minute).padStart(2, '0')}:00`;
    return { ...order, ...changes, date_modified: stamp, date_modified_gmt: stamp };
  }

  async function deliver(topic: 'order.created' | 'order.updated', order: WooOrder) {
    const answer = await deliverWooWebhook(`${server.url}/commerce/woocommerce/webhook`, {
      topic,
      order,
      secret: WEBHOOK_SECRET,
      sourceUrl: `${woo.url}/`,
    });
    return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
  }

  const ticketsOf = (json: Record<string, unknown>) => json.tickets as { serialNumber: string; unit: number; action: string }[];
  const storedPass = (serial: string) => storedPassOf(server.url, server.key, serial);
  const orderPageUrl = (orderId: number) => `${server.url}${wooOrderPagePath(woo.url, String(orderId), WEBHOOK_SECRET)}`;
  const voidedOf = (tickets: { serialNumber: string }[]) =>
    Promise.all(tickets.map(async (one) => (await storedPass(one.serialNumber)).voided));

  test("a concert (by category) of quantity 3 makes 3 tickets and, as the template says, no order pass; the note links to the order's page", async () => {
    const order = newOrder(3);
    const created = await deliver('order.created', order);
    expect(created).toMatchObject({ status: 200, json: { action: 'tickets', linked: true, shareUrl: orderPageUrl(order.id) } });
    const tickets = ticketsOf(created.json);
    expect(tickets.map((ticket) => [ticket.unit, ticket.action])).toEqual([
      [0, 'created'],
      [1, 'created'],
      [2, 'created'],
    ]);
    const ticket = await storedPass(tickets[0]!.serialNumber);
    expect(ticket.body).toMatchObject({ style: 'eventTicket', event: { name: 'Night of Espresso Jazz', admissionLevel: 'Standing' } });
    expect(fieldByKey(ticket.body, 'holder')?.value).toBe(`${order.billing.first_name} ${order.billing.last_name}`);
    const notes = woo.notes(order.id).filter((note) => note.customer_note);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.note).toContain(orderPageUrl(order.id));

    const used = await usedThisMonth(server.url, server.key);
    const again = await deliver('order.created', order);
    expect(ticketsOf(again.json).map((one) => one.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await usedThisMonth(server.url, server.key)).toBe(used);
    expect(woo.notes(order.id).filter((note) => note.customer_note)).toHaveLength(1);
  });

  test('the order page lists every ticket with its Apple button; a forged signature is a 404', async () => {
    const order = newOrder(2);
    const tickets = ticketsOf((await deliver('order.created', order)).json);
    const response = await fetch(orderPageUrl(order.id));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await response.text();
    expect(html.match(/data-kind="ticket"/g)).toHaveLength(2);
    expect(html).not.toContain('data-kind="order"');
    for (const ticket of tickets) expect(html).toContain(`href="${server.url}/p/${ticket.serialNumber}/pass.pkpass"`);
    const pkpass = await fetch(`${server.url}/p/${tickets[0]!.serialNumber}/pass.pkpass`);
    expect(pkpass.headers.get('content-type')).toBe('application/vnd.apple.pkpass');

    const forged = await fetch(`${server.url}/commerce/woocommerce/orders/${order.id}?signature=${'0'.repeat(64)}`);
    expect(forged.status).toBe(404);
    expect(await forged.json()).toMatchObject({ code: 'invalid_order_link' });
  });

  test('a lower quantity voids the extra tickets; a refund voids them all; a late webhook brings none back', async () => {
    const order = newOrder(3);
    const tickets = ticketsOf((await deliver('order.created', order)).json);
    const fewer = modified(order, 50, { line_items: order.line_items.map((item, i) => (i === 0 ? { ...item, quantity: 2 } : item)) });
    expect(ticketsOf((await deliver('order.updated', fewer)).json).map((one) => one.action)).toEqual(['updated', 'updated', 'voided']);
    expect(await voidedOf(tickets)).toEqual([false, false, true]);
    await deliver('order.updated', modified(fewer, 55, { status: 'refunded' }));
    expect(await voidedOf(tickets)).toEqual([true, true, true]);
    await deliver('order.updated', modified(order, 51));
    expect(await voidedOf(tickets)).toEqual([true, true, true]);
  });

  test("a product's passmint_event custom field gives its tickets their own date and venue", async () => {
    const order = newOrder(1, GALA);
    const [ticket] = ticketsOf((await deliver('order.created', order)).json);
    expect((await storedPass(ticket!.serialNumber)).body).toMatchObject({
      event: { startsAt: '2027-04-01T19:30:00+02:00', venue: { name: 'Old Port Hall' }, admissionLevel: 'Standing' },
    });
  });

  test('an order without concert tickets still gets its order pass', async () => {
    const order = newOrder(0);
    const created = await deliver('order.created', order);
    expect(created.json).toMatchObject({ action: 'created' });
    expect(created.json.tickets).toBeUndefined();
  });
});
