import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { createSecretBox, parsePassInput, type PassInput } from '@passmint/engine';
import type { NormalisedOrder } from './order';
import { createSqliteOrderStore, ORDER_STORE_MIGRATIONS } from './order-store';
import { createOrderSync, type PassWriter } from './order-sync';
import { orderWalletEntries, renderOrderWalletPage } from './order-wallet-page';
import { parseShopTemplate } from './shop-template';

const event = { startsAt: '2027-06-12T18:00:00Z', venue: { name: 'Harbour Stage' } };

/** Passes in memory, refusing what the API refuses: invalid bodies, and updates of voided passes. */
function memoryPasses() {
  const passes = new Map<string, { body: PassInput; voided: boolean; version: number }>();
  const keys = new Map<string, string>();
  let next = 1;
  const writer: PassWriter = {
    async createPass(_tenantId, body, idempotencyKey) {
      const known = keys.get(idempotencyKey);
      if (known) return { serialNumber: known, shareUrl: writer.shareUrl(known) };
      if (!parsePassInput(body).ok) throw new Error('invalid body');
      const serialNumber = `serial-${next++}`;
      passes.set(serialNumber, { body, voided: body.voided === true, version: 1 });
      keys.set(idempotencyKey, serialNumber);
      return { serialNumber, shareUrl: writer.shareUrl(serialNumber) };
    },
    async updatePass(_tenantId, serialNumber, body) {
      const pass = passes.get(serialNumber)!;
      if (pass.voided) throw Object.assign(new Error('voided'), { code: 'pass_voided' });
      if (!parsePassInput(body).ok) throw new Error('invalid body');
      const unchanged = JSON.stringify(pass.body) === JSON.stringify(body);
      passes.set(serialNumber, { body, voided: body.voided === true, version: pass.version + (unchanged ? 0 : 1) });
      return { unchanged, notifiedDevices: 0 };
    },
    async voidPass(_tenantId, serialNumber) {
      const pass = passes.get(serialNumber)!;
      if (!pass.voided) passes.set(serialNumber, { ...pass, voided: true, version: pass.version + 1 });
    },
    shareUrl: (serialNumber) => `https://passes.example/p/${serialNumber}`,
    async walletLinks(_tenantId, serialNumber) {
      return {
        applePassUrl: `https://passes.example/p/${serialNumber}/pass.pkpass`,
        googleSaveUrl: `https://pay.google.com/gp/v/save/${serialNumber}`,
      };
    },
    async redactPass() {},
  };
  return { writer, passes };
}

function setup(orderPass: 'also' | 'instead' = 'also') {
  const db = new Database(':memory:');
  for (const migration of ORDER_STORE_MIGRATIONS.sqlite) db.exec(migration.sql);
  const store = createSqliteOrderStore(db, createSecretBox([randomBytes(32)]));
  const { writer, passes } = memoryPasses();
  const sync = createOrderSync({ store, passes: writer });
  const template = parseShopTemplate({
    shopName: 'Harbour Lights',
    tickets: { orderPass, rules: [{ match: { tags: ['ticket'] }, event }] },
  });
  const target = { tenantId: 'tenant-1', template, orderPageUrl: (orderId: string) => `https://shop.example/orders/${orderId}` };
  return { db, store, writer, passes, sync, target };
}

function order(quantity: number, overrides: Partial<NormalisedOrder> = {}): NormalisedOrder {
  return {
    shop: 'harbour.example',
    orderId: '1001',
    orderNumber: '#1001',
    createdAt: '2027-01-10T09:00:00.000Z',
    updatedAt: '2027-01-10T09:00:00.000Z',
    status: 'paid',
    customer: { id: '7', name: 'Bob Norman', email: null },
    lineItems: [{ id: '11', title: 'Weekend Pass', quantity, product: { type: null, tags: ['ticket'], categories: [] } }],
    total: { amount: '90.00', currency: 'EUR' },
    tracking: null,
    ...overrides,
  };
}

const at = (minute: number) => `2027-01-10T09:${String(minute).padStart(2, '0')}:00.000Z`;

test('quantity 3 makes the order pass and 3 tickets; the same webhook again changes nothing', async () => {
  const { sync, target, passes, db } = setup();
  const first = await sync.sync(order(3), target);
  expect(first.action).toBe('created');
  expect(first.shareUrl).toBe('https://shop.example/orders/1001');
  expect(first.tickets?.map((ticket) => [ticket.lineItemId, ticket.unit, ticket.action])).toEqual([
    ['11', 0, 'created'],
    ['11', 1, 'created'],
    ['11', 2, 'created'],
  ]);
  const barcodes = [...passes.values()].map((pass) => pass.body.barcodeValue);
  expect(new Set(barcodes).size).toBe(4);
  const versions = JSON.stringify([...passes.entries()]);
  const again = await sync.sync(order(3), target);
  expect(again.action).toBe('unchanged');
  expect(again.tickets?.map((ticket) => ticket.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(JSON.stringify([...passes.entries()])).toBe(versions);
  expect(db.prepare('SELECT COUNT(*) FROM order_tickets').pluck().get()).toBe(3);
});

test('a crash after a ticket was made but before it was recorded gets the same ticket on the retry', async () => {
  const { sync, target, passes, store } = setup();
  await sync.sync(order(1), target);
  await store.deleteOrderTickets('harbour.example', ['1001']);
  const retry = await sync.sync(order(1), target);
  expect(retry.tickets?.map((ticket) => ticket.serialNumber)).toEqual(['serial-2']);
  expect(passes.size).toBe(2);
});

test('a lower quantity voids the extra tickets; cancelling voids the rest; late webhooks roll nothing back', async () => {
  const { sync, target, passes } = setup();
  await sync.sync(order(3), target);
  const reduced = await sync.sync(order(1, { updatedAt: at(5) }), target);
  expect(reduced.tickets?.map((ticket) => [ticket.unit, ticket.action])).toEqual([
    [0, 'updated'],
    [1, 'voided'],
    [2, 'voided'],
  ]);
  expect([...passes.values()].map((pass) => pass.voided)).toEqual([false, false, true, true]);
  expect(passes.get('serial-2')?.body.headerFields?.[0]?.value).toBe('1 / 1');
  const late = await sync.sync(order(3, { updatedAt: at(1) }), target);
  expect(late.tickets?.every((ticket) => ticket.action === 'ignored' && ticket.reason === 'stale')).toBe(true);
  const cancelled = await sync.sync(order(1, { updatedAt: at(9), status: 'cancelled' }), target);
  expect(cancelled.tickets?.map((ticket) => ticket.action)).toEqual(['voided', 'unchanged', 'unchanged']);
  expect([...passes.values()].map((pass) => pass.voided)).toEqual([true, true, true, true]);
  const restored = await sync.sync(order(3, { updatedAt: at(12) }), target);
  expect(restored.tickets?.every((ticket) => ticket.action === 'ignored' && ticket.reason === 'voided')).toBe(true);
});

test("'instead' makes only the tickets; the link goes to the order page and is written once", async () => {
  const { sync, target, passes, store } = setup('instead');
  const links: string[] = [];
  const link = async (pass: { shareUrl: string }) => {
    links.push(pass.shareUrl);
  };
  const result = await sync.sync(order(2), target, link);
  expect(result).toMatchObject({ action: 'tickets', serialNumber: 'serial-1', shareUrl: 'https://shop.example/orders/1001', linked: true });
  expect(passes.size).toBe(2);
  expect(await store.findOrderPass('harbour.example', '1001')).toBeNull();
  await sync.sync(order(2, { updatedAt: at(3) }), target, link);
  expect(links).toEqual(['https://shop.example/orders/1001']);
  // An order without ticket items still gets its order pass.
  const plain = await sync.sync(order(1, { orderId: '1002', lineItems: [{ id: '12', title: 'Mug', quantity: 1 }] }), target);
  expect(plain).toMatchObject({ action: 'created', shareUrl: 'https://passes.example/p/serial-3' });
  expect(plain.tickets).toBeUndefined();
});

test('the order page lists the order pass and every ticket with both wallet buttons, and voided tickets as such', async () => {
  const { sync, target, store, writer } = setup();
  await sync.sync(order(2), target);
  await sync.sync(order(1, { updatedAt: at(2) }), target);
  const entries = await orderWalletEntries({ store, passes: writer }, 'harbour.example', '1001');
  expect(entries.map((entry) => [entry.kind, entry.serialNumber, entry.voided])).toEqual([
    ['order', 'serial-1', false],
    ['ticket', 'serial-2', false],
    ['ticket', 'serial-3', true],
  ]);
  const html = renderOrderWalletPage({ shopName: 'Harbour <Lights>', orderNumber: '#1001', entries });
  expect(html).toContain('Harbour &lt;Lights&gt; order #1001');
  expect(html.match(/data-action="apple"/g)).toHaveLength(2);
  expect(html.match(/data-action="google"/g)).toHaveLength(2);
  expect(html).toContain('href="https://passes.example/p/serial-2/pass.pkpass"');
  expect(html).toContain('href="https://pay.google.com/gp/v/save/serial-2"');
  expect(html).toContain('This ticket is no longer valid.');
  expect(html).toContain('<h2>Weekend Pass, ticket 1</h2>');
  expect(html).toContain('<h2>Your order</h2>');
  expect(html).not.toContain('<script');
});
