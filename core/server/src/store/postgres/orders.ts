import { orderPassFromRow, type OrderPassRow } from '@passmint/commerce';
import { SHOP_SESSION_COLUMN } from '../secret-columns';
import type { OrderMethods } from '../store-aggregates';
import type { PostgresContext } from './queryable';

const ORDER_PASS_COLUMNS = 'shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at, linked_at';

/** Commerce on PostgreSQL: the passes that follow shop orders, webhook deliveries seen, and shop sessions (sealed). */
export function postgresOrders({ pool, secrets }: PostgresContext): OrderMethods {
  return {
    async findOrderPass(shop, orderId) {
      const { rows } = await pool.query<OrderPassRow>(`SELECT ${ORDER_PASS_COLUMNS} FROM order_passes WHERE shop = $1 AND order_id = $2`, [
        shop,
        orderId,
      ]);
      return rows[0] ? orderPassFromRow(rows[0]) : null;
    },
    async saveOrderPass(record) {
      const result = await pool.query(
        `INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
          ON CONFLICT (shop, order_id) DO UPDATE
            SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
            WHERE excluded.order_updated_at >= order_passes.order_updated_at`,
        [record.shop, record.orderId, record.tenantId, record.serialNumber, record.orderUpdatedAt, record.customerId, record.at],
      );
      return (result.rowCount ?? 0) > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      await pool.query('UPDATE order_passes SET linked_at = $3 WHERE shop = $1 AND order_id = $2', [shop, orderId, at]);
    },
    async listOrderPasses(shop, filter = {}) {
      const { rows } = await pool.query<OrderPassRow>(
        `SELECT ${ORDER_PASS_COLUMNS} FROM order_passes
          WHERE shop = $1 AND ($2::text IS NULL OR customer_id = $2) AND ($3::text[] IS NULL OR order_id = ANY ($3))
          ORDER BY created_at, order_id`,
        [shop, filter.customerId ?? null, filter.orderIds ? [...filter.orderIds] : null],
      );
      return rows.map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      if (orderIds.length === 0) return 0;
      const result = await pool.query('DELETE FROM order_passes WHERE shop = $1 AND order_id = ANY ($2::text[])', [shop, [...orderIds]]);
      return result.rowCount ?? 0;
    },
    async recordWebhookDelivery(delivery) {
      const result = await pool.query(
        'INSERT INTO webhook_deliveries (source, id, received_at) VALUES ($1, $2, $3) ON CONFLICT (source, id) DO NOTHING',
        [delivery.source, delivery.id, delivery.at],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async forgetWebhookDelivery(delivery) {
      await pool.query('DELETE FROM webhook_deliveries WHERE source = $1 AND id = $2', [delivery.source, delivery.id]);
    },
    async saveShopSession(shop, session, at) {
      await pool.query(
        `INSERT INTO shop_sessions (shop, session, updated_at) VALUES ($1, $2, $3)
          ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`,
        [shop, secrets.seal(SHOP_SESSION_COLUMN, shop, session), at],
      );
    },
    async findShopSession(shop) {
      const { rows } = await pool.query<{ session: string }>('SELECT session FROM shop_sessions WHERE shop = $1', [shop]);
      return rows[0] ? secrets.open(SHOP_SESSION_COLUMN, shop, rows[0].session) : null;
    },
    async deleteShopSession(shop) {
      await pool.query('DELETE FROM shop_sessions WHERE shop = $1', [shop]);
    },
  };
}
