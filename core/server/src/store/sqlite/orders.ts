import type Database from 'better-sqlite3';
import { orderPassFromRow, type OrderPassRow } from '@passmint/commerce';
import { SHOP_SESSION_COLUMN, type SecretSealer } from '../secret-columns';
import type { OrderMethods } from '../store-aggregates';
import { preparedOnce } from './prepared-once';

const statements = {
  findOrderPass: `SELECT * FROM order_passes WHERE shop = @shop AND order_id = @order_id`,
  saveOrderPass: `INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
    VALUES (@shop, @order_id, @tenant_id, @serial_number, @order_updated_at, @customer_id, @at, @at)
    ON CONFLICT (shop, order_id) DO UPDATE SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
    WHERE excluded.order_updated_at >= order_passes.order_updated_at`,
  markOrderPassLinked: `UPDATE order_passes SET linked_at = @at WHERE shop = @shop AND order_id = @order_id`,
  listOrderPasses: `SELECT * FROM order_passes WHERE shop = @shop AND (@customer_id IS NULL OR customer_id = @customer_id) ORDER BY created_at, order_id`,
  deleteOrderPass: `DELETE FROM order_passes WHERE shop = @shop AND order_id = @order_id`,
  insertWebhookDelivery: `INSERT INTO webhook_deliveries (source, id, received_at) VALUES (@source, @id, @at) ON CONFLICT (source, id) DO NOTHING`,
  saveShopSession: `INSERT INTO shop_sessions (shop, session, updated_at) VALUES (@shop, @session, @at)
    ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`,
  findShopSession: `SELECT session FROM shop_sessions WHERE shop = @shop`,
  deleteShopSession: `DELETE FROM shop_sessions WHERE shop = @shop`,
  deleteWebhookDelivery: `DELETE FROM webhook_deliveries WHERE source = @source AND id = @id`,
};

/** Commerce on SQLite: the passes that follow shop orders, webhook deliveries seen, and shop sessions (sealed). */
export function sqliteOrders(db: Database.Database, secrets: SecretSealer): OrderMethods {
  const sql = preparedOnce(db, statements);

  return {
    async findOrderPass(shop, orderId) {
      const row = sql.findOrderPass.get({ shop, order_id: orderId }) as OrderPassRow | undefined;
      return row ? orderPassFromRow(row) : null;
    },
    async saveOrderPass(record) {
      const changes = sql.saveOrderPass.run({
        shop: record.shop,
        order_id: record.orderId,
        tenant_id: record.tenantId,
        serial_number: record.serialNumber,
        order_updated_at: record.orderUpdatedAt,
        customer_id: record.customerId,
        at: record.at,
      }).changes;
      return changes > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      sql.markOrderPassLinked.run({ shop, order_id: orderId, at });
    },
    async listOrderPasses(shop, filter = {}) {
      const rows = sql.listOrderPasses.all({ shop, customer_id: filter.customerId ?? null }) as OrderPassRow[];
      const wanted = filter.orderIds ? new Set(filter.orderIds) : null;
      return rows.filter((row) => !wanted || wanted.has(row.order_id)).map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      return db.transaction(() =>
        orderIds.reduce((gone, orderId) => gone + sql.deleteOrderPass.run({ shop, order_id: orderId }).changes, 0),
      )();
    },
    async recordWebhookDelivery(delivery) {
      return sql.insertWebhookDelivery.run({ source: delivery.source, id: delivery.id, at: delivery.at }).changes > 0;
    },
    async saveShopSession(shop, session, at) {
      sql.saveShopSession.run({ shop, session: secrets.seal(SHOP_SESSION_COLUMN, shop, session), at });
    },
    async findShopSession(shop) {
      const row = sql.findShopSession.get({ shop }) as { session: string } | undefined;
      return row ? secrets.open(SHOP_SESSION_COLUMN, shop, row.session) : null;
    },
    async deleteShopSession(shop) {
      sql.deleteShopSession.run({ shop });
    },
    async forgetWebhookDelivery(delivery) {
      sql.deleteWebhookDelivery.run({ source: delivery.source, id: delivery.id });
    },
  };
}
