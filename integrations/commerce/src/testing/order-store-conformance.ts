import { randomUUID } from 'node:crypto';
import { isSealed } from '@passmint/engine';
import type { NewOrderPass, OrderStore } from '../order-store/order-store';

export interface OpenedOrderStore {
  store: OrderStore;
  /** The session column as stored, to see that it is sealed. */
  storedSession(shop: string): Promise<string | null>;
  /**
   * Passes the orders can point at, where the store sits next to a pass store (inside
   * `passmint serve`); absent, orders point at made-up serials (the standalone app's passes
   * live in a remote Passmint).
   */
  passes?: {
    create(): Promise<{ tenantId: string; serialNumber: string }>;
    find(tenantId: string, serialNumber: string): Promise<unknown>;
  };
  cleanup(): Promise<void>;
}

/**
 * The order store contract, for any backend. Every test uses its own random shops and orders,
 * so one store serves the whole block.
 */
export function describeOrderStoreConformance(name: string, open: () => Promise<OpenedOrderStore>): void {
  describe(`Order store conformance: ${name}`, () => {
    let opened: OpenedOrderStore;
    let store: OrderStore;

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened.cleanup();
    });

    const shop = () => `shop-${randomUUID()}.myshopify.com`;

    async function insertedPass(tenantId?: string): Promise<{ tenantId: string; serialNumber: string }> {
      if (opened.passes) return opened.passes.create();
      return { tenantId: tenantId ?? randomUUID(), serialNumber: randomUUID() };
    }

    async function orderPass(overrides: Partial<NewOrderPass> = {}): Promise<NewOrderPass> {
      const pass = await insertedPass();
      return {
        shop: shop(),
        orderId: randomUUID(),
        tenantId: pass.tenantId,
        serialNumber: pass.serialNumber,
        orderUpdatedAt: at(10),
        customerId: 'customer-1',
        at: at(11),
        ...overrides,
      };
    }

    it('saves the pass that follows an order and finds it by shop and order', async () => {
      const record = await orderPass();
      expect(await store.saveOrderPass(record)).toBe('saved');
      expect(await store.findOrderPass(record.shop, record.orderId)).toEqual({
        shop: record.shop,
        orderId: record.orderId,
        tenantId: record.tenantId,
        serialNumber: record.serialNumber,
        orderUpdatedAt: at(10),
        customerId: 'customer-1',
        createdAt: at(11),
        updatedAt: at(11),
        linkedAt: null,
      });
      expect(await store.findOrderPass(record.shop, randomUUID())).toBeNull();
      expect(await store.findOrderPass(shop(), record.orderId)).toBeNull();
    });

    it('moves an order forward, refuses an older version as stale and accepts the same version again', async () => {
      const record = await orderPass();
      await store.saveOrderPass(record);
      expect(await store.saveOrderPass({ ...record, orderUpdatedAt: at(20), at: at(21) })).toBe('saved');
      expect(await store.saveOrderPass({ ...record, orderUpdatedAt: at(15), at: at(22) })).toBe('stale');
      expect(await store.saveOrderPass({ ...record, orderUpdatedAt: at(20), at: at(23) })).toBe('saved');
      const found = await store.findOrderPass(record.shop, record.orderId);
      expect(found).toMatchObject({ orderUpdatedAt: at(20), createdAt: at(11), updatedAt: at(23), serialNumber: record.serialNumber });
    });

    it('keeps the first pass of an order: a later save cannot point the order at another pass', async () => {
      const record = await orderPass();
      await store.saveOrderPass(record);
      const other = await insertedPass(record.tenantId);
      await store.saveOrderPass({ ...record, serialNumber: other.serialNumber, orderUpdatedAt: at(30) });
      expect((await store.findOrderPass(record.shop, record.orderId))?.serialNumber).toBe(record.serialNumber);
    });

    it('marks the link written, lists by customer or order ids and forgets orders', async () => {
      const first = await orderPass();
      const sameShop = { shop: first.shop };
      const second = await orderPass({ ...sameShop, customerId: 'customer-2', at: at(12) });
      const third = await orderPass({ ...sameShop, customerId: null, at: at(13) });
      for (const record of [first, second, third]) await store.saveOrderPass(record);
      await store.markOrderPassLinked(first.shop, first.orderId, at(40));
      expect((await store.findOrderPass(first.shop, first.orderId))?.linkedAt).toBe(at(40));

      expect((await store.listOrderPasses(first.shop)).map((record) => record.orderId)).toEqual([
        first.orderId,
        second.orderId,
        third.orderId,
      ]);
      expect((await store.listOrderPasses(first.shop, { customerId: 'customer-2' })).map((record) => record.orderId)).toEqual([
        second.orderId,
      ]);
      expect((await store.listOrderPasses(first.shop, { orderIds: [third.orderId, 'unknown'] })).map((record) => record.orderId)).toEqual([
        third.orderId,
      ]);
      expect(await store.listOrderPasses(shop())).toEqual([]);

      expect(await store.deleteOrderPasses(first.shop, [first.orderId, second.orderId, 'unknown'])).toBe(2);
      expect((await store.listOrderPasses(first.shop)).map((record) => record.orderId)).toEqual([third.orderId]);
      if (opened.passes) expect(await opened.passes.find(first.tenantId, first.serialNumber)).not.toBeNull();
    });

    it('keeps one ticket per order, line item and unit: its pass stays, it only moves forward and stays voided', async () => {
      const name = shop();
      const first = await insertedPass();
      const ticket = {
        shop: name,
        orderId: 'order-1',
        lineItemId: 'item-1',
        unit: 0,
        eventName: 'Harbour Lights',
        tenantId: first.tenantId,
        serialNumber: first.serialNumber,
        customerId: 'customer-1',
        orderUpdatedAt: at(10),
        voided: false,
        at: at(11),
      };
      await store.saveOrderTicket(ticket);
      const other = await insertedPass(first.tenantId);
      await store.saveOrderTicket({ ...ticket, unit: 1, serialNumber: other.serialNumber, at: at(12) });
      await store.saveOrderTicket({ ...ticket, serialNumber: other.serialNumber, orderUpdatedAt: at(20), voided: true, at: at(21) });
      await store.saveOrderTicket({ ...ticket, orderUpdatedAt: at(15), voided: false, at: at(22) });
      const tickets = await store.listOrderTickets(name, { orderIds: ['order-1'] });
      expect(tickets).toEqual(
        [
          { ...ticket, at: undefined, orderUpdatedAt: at(20), voided: true, createdAt: at(11), updatedAt: at(22), linkedAt: null },
          { ...ticket, at: undefined, unit: 1, serialNumber: other.serialNumber, createdAt: at(12), updatedAt: at(12), linkedAt: null },
        ].map(({ at: _at, ...record }) => record),
      );
      expect(await store.listOrderTickets(name, { orderIds: ['order-2'] })).toEqual([]);
      expect(await store.listOrderTickets(name, { customerId: 'customer-1' })).toHaveLength(2);
      expect(await store.listOrderTickets(name, { customerId: 'customer-2' })).toEqual([]);
    });

    it("marks an order's tickets linked and forgets them by order", async () => {
      const name = shop();
      for (const orderId of ['order-1', 'order-2']) {
        const pass = await insertedPass();
        await store.saveOrderTicket({
          shop: name,
          orderId,
          lineItemId: 'item-1',
          unit: 0,
          eventName: 'Harbour Lights',
          tenantId: pass.tenantId,
          serialNumber: pass.serialNumber,
          customerId: null,
          orderUpdatedAt: at(10),
          voided: false,
          at: at(11),
        });
      }
      await store.markOrderTicketsLinked(name, 'order-1', at(30));
      expect((await store.listOrderTickets(name)).map((ticket) => [ticket.orderId, ticket.linkedAt])).toEqual([
        ['order-1', at(30)],
        ['order-2', null],
      ]);
      expect(await store.deleteOrderTickets(name, ['order-1', 'unknown'])).toBe(1);
      expect((await store.listOrderTickets(name)).map((ticket) => ticket.orderId)).toEqual(['order-2']);
    });

    it('records a webhook delivery once per source and id', async () => {
      const id = randomUUID();
      expect(await store.recordWebhookDelivery({ source: 'shopify:a', id, at: at(1) })).toBe(true);
      expect(await store.recordWebhookDelivery({ source: 'shopify:a', id, at: at(2) })).toBe(false);
      expect(await store.recordWebhookDelivery({ source: 'shopify:b', id, at: at(2) })).toBe(true);
    });

    it('keeps one session per shop: saved, replaced, found, deleted', async () => {
      const name = shop();
      expect(await store.findShopSession(name)).toBeNull();
      await store.saveShopSession(name, '{"token":"first"}', at(1));
      await store.saveShopSession(name, '{"token":"second"}', at(2));
      expect(await store.findShopSession(name)).toBe('{"token":"second"}');
      expect(await store.findShopSession(shop())).toBeNull();
      await store.deleteShopSession(name);
      expect(await store.findShopSession(name)).toBeNull();
    });

    it('forgets a delivery whose processing failed, so its retry counts as new', async () => {
      const delivery = { source: 'shopify:c', id: randomUUID() };
      await store.recordWebhookDelivery({ ...delivery, at: at(1) });
      await store.forgetWebhookDelivery(delivery);
      expect(await store.recordWebhookDelivery({ ...delivery, at: at(2) })).toBe(true);
      await store.forgetWebhookDelivery({ source: 'shopify:c', id: 'never-seen' });
    });

    it('seals shop sessions as stored, and reads them back', async () => {
      const name = shop();
      await store.saveShopSession(name, '["accessToken","shpat_0123456789abcdef"]', at(1));
      const stored = await opened.storedSession(name);
      expect(isSealed(stored ?? '')).toBe(true);
      expect(stored).not.toMatch(/shpat_/);
      expect(await store.findShopSession(name)).toBe('["accessToken","shpat_0123456789abcdef"]');
    });
  });
}

function at(seconds: number): string {
  return new Date(Date.UTC(2025, 5, 1, 12, 0, 0) + seconds * 1000).toISOString();
}
