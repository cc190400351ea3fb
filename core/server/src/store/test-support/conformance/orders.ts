import { randomUUID } from 'node:crypto';
import type { NewOrderPass } from '@passmint/engine';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at } from './fixtures';

/** Commerce: the passes that follow shop orders, webhook deliveries and shop sessions. */
export function describeOrderConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('commerce orders', () => {
    const shop = () => `shop-${randomUUID()}.myshopify.com`;

    async function orderPass(overrides: Partial<NewOrderPass> = {}): Promise<NewOrderPass> {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      return {
        shop: shop(),
        orderId: randomUUID(),
        tenantId: owner.id,
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
      expect(await store.findPass(first.tenantId, first.serialNumber)).not.toBeNull();
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
  });
}
