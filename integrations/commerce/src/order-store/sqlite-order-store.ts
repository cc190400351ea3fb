import type Database from 'better-sqlite3';
import type { SecretBox } from '@passmint/engine';
import { createSqliteTicketStore } from './sqlite-ticket-store';
import { orderPassFromRow, sessionSealer, type OrderPassRow, type OrderStore } from './order-store';

/** The order store on a SQLite connection whose schema ORDER_STORE_MIGRATIONS.sqlite made. */
export function createSqliteOrderStore(db: Database.Database, box: SecretBox): OrderStore {
  const sessions = sessionSealer(box);
  const sql = {
    find: db.prepare('SELECT * FROM order_passes WHERE shop = ? AND order_id = ?'),
    save: db.prepare(`INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
      VALUES (@shop, @orderId, @tenantId, @serialNumber, @orderUpdatedAt, @customerId, @at, @at)
      ON CONFLICT (shop, order_id) DO UPDATE SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
      WHERE excluded.order_updated_at >= order_passes.order_updated_at`),
    linked: db.prepare('UPDATE order_passes SET linked_at = ? WHERE shop = ? AND order_id = ?'),
    list: db.prepare(
      'SELECT * FROM order_passes WHERE shop = @shop AND (@customerId IS NULL OR customer_id = @customerId) ORDER BY created_at, order_id',
    ),
    remove: db.prepare('DELETE FROM order_passes WHERE shop = ? AND order_id = ?'),
    record: db.prepare('INSERT INTO webhook_deliveries (source, id, received_at) VALUES (?, ?, ?) ON CONFLICT (source, id) DO NOTHING'),
    forget: db.prepare('DELETE FROM webhook_deliveries WHERE source = ? AND id = ?'),
    saveSession: db.prepare(`INSERT INTO shop_sessions (shop, session, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`),
    findSession: db.prepare('SELECT session FROM shop_sessions WHERE shop = ?'),
    deleteSession: db.prepare('DELETE FROM shop_sessions WHERE shop = ?'),
  };
  const deleteAll = db.transaction((shop: string, orderIds: readonly string[]) =>
    orderIds.reduce((gone, orderId) => gone + sql.remove.run(shop, orderId).changes, 0),
  );

  return {
    ...createSqliteTicketStore(db),
    async findOrderPass(shop, orderId) {
      const row = sql.find.get(shop, orderId) as OrderPassRow | undefined;
      return row ? orderPassFromRow(row) : null;
    },
    async saveOrderPass(record) {
      return sql.save.run(record).changes > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      sql.linked.run(at, shop, orderId);
    },
    async listOrderPasses(shop, filter = {}) {
      const wanted = filter.orderIds ? new Set(filter.orderIds) : null;
      return (sql.list.all({ shop, customerId: filter.customerId ?? null }) as OrderPassRow[])
        .filter((row) => !wanted || wanted.has(row.order_id))
        .map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      return deleteAll(shop, orderIds);
    },
    async recordWebhookDelivery(delivery) {
      return sql.record.run(delivery.source, delivery.id, delivery.at).changes > 0;
    },
    async forgetWebhookDelivery(delivery) {
      sql.forget.run(delivery.source, delivery.id);
    },
    async saveShopSession(shop, session, at) {
      sql.saveSession.run(shop, sessions.seal(shop, session), at);
    },
    async findShopSession(shop) {
      const row = sql.findSession.get(shop) as { session: string } | undefined;
      return row ? sessions.open(shop, row.session) : null;
    },
    async deleteShopSession(shop) {
      sql.deleteSession.run(shop);
    },
  };
}
