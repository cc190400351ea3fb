import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { orderPassFromRow, type OrderPassRow, type OrderPassStore } from '@passmint/commerce';
import type { NewOrderPass } from '@passmint/engine';
import type { ShopifyAppStore } from '../shopify-app';

/**
 * What the standalone app keeps on its own disk: which pass follows which order, and the webhook
 * deliveries it has seen. The passes themselves live in the remote Passmint. Same rules as
 * Passmint's own store: an order only moves forward, and a delivery is recorded once.
 */
export function openStandaloneStore(file: string): ShopifyAppStore & OrderPassStore & { close(): void } {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS order_passes (
      shop TEXT NOT NULL, order_id TEXT NOT NULL, tenant_id TEXT NOT NULL, serial_number TEXT NOT NULL,
      order_updated_at TEXT NOT NULL, customer_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, linked_at TEXT,
      PRIMARY KEY (shop, order_id)
    );
    CREATE INDEX IF NOT EXISTS order_passes_customer ON order_passes (shop, customer_id);
    CREATE TABLE IF NOT EXISTS webhook_deliveries (source TEXT NOT NULL, id TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (source, id));
    CREATE TABLE IF NOT EXISTS shop_sessions (shop TEXT NOT NULL PRIMARY KEY, session TEXT NOT NULL, updated_at TEXT NOT NULL);
  `);
  const find = db.prepare('SELECT * FROM order_passes WHERE shop = ? AND order_id = ?');
  const save = db.prepare(`INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
    VALUES (@shop, @orderId, @tenantId, @serialNumber, @orderUpdatedAt, @customerId, @at, @at)
    ON CONFLICT (shop, order_id) DO UPDATE SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
    WHERE excluded.order_updated_at >= order_passes.order_updated_at`);
  const list = db.prepare('SELECT * FROM order_passes WHERE shop = @shop AND (@customerId IS NULL OR customer_id = @customerId) ORDER BY created_at, order_id');
  const remove = db.prepare('DELETE FROM order_passes WHERE shop = ? AND order_id = ?');
  const linked = db.prepare('UPDATE order_passes SET linked_at = ? WHERE shop = ? AND order_id = ?');
  const record = db.prepare('INSERT INTO webhook_deliveries (source, id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const forget = db.prepare('DELETE FROM webhook_deliveries WHERE source = ? AND id = ?');
  const saveSession = db.prepare(`INSERT INTO shop_sessions (shop, session, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`);
  const findSession = db.prepare('SELECT session FROM shop_sessions WHERE shop = ?');
  const deleteSession = db.prepare('DELETE FROM shop_sessions WHERE shop = ?');

  return {
    async findOrderPass(shop, orderId) {
      const row = find.get(shop, orderId) as OrderPassRow | undefined;
      return row ? orderPassFromRow(row) : null;
    },
    async saveOrderPass(order: NewOrderPass) {
      return save.run(order).changes > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      linked.run(at, shop, orderId);
    },
    async listOrderPasses(shop, filter = {}) {
      const wanted = filter.orderIds ? new Set(filter.orderIds) : null;
      return (list.all({ shop, customerId: filter.customerId ?? null }) as OrderPassRow[]).filter((row) => !wanted || wanted.has(row.order_id)).map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      return db.transaction(() => orderIds.reduce((gone, orderId) => gone + remove.run(shop, orderId).changes, 0))();
    },
    async recordWebhookDelivery(delivery) {
      return record.run(delivery.source, delivery.id, delivery.at).changes > 0;
    },
    async forgetWebhookDelivery(delivery) {
      forget.run(delivery.source, delivery.id);
    },
    async saveShopSession(shop, session, at) {
      saveSession.run(shop, session, at);
    },
    async findShopSession(shop) {
      return (findSession.get(shop) as { session: string } | undefined)?.session ?? null;
    },
    async deleteShopSession(shop) {
      deleteSession.run(shop);
    },
    close: () => db.close(),
  };
}
