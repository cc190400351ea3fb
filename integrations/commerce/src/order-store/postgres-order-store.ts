import type { Pool } from 'pg';
import type { SecretBox } from '@passmint/engine';
import { createPostgresTicketStore } from './postgres-ticket-store';
import { orderPassFromRow, sessionSealer, type OrderPassRow, type OrderStore } from './order-store';

const ORDER_PASS_COLUMNS = 'shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at, linked_at';

/** The order store on a PostgreSQL pool (its search_path the schema ORDER_STORE_MIGRATIONS.postgres made). */
export function createPostgresOrderStore(pool: Pick<Pool, 'query'>, box: SecretBox): OrderStore {
  const sessions = sessionSealer(box);
  return {
    ...createPostgresTicketStore(pool),
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
        [shop, sessions.seal(shop, session), at],
      );
    },
    async findShopSession(shop) {
      const { rows } = await pool.query<{ session: string }>('SELECT session FROM shop_sessions WHERE shop = $1', [shop]);
      return rows[0] ? sessions.open(shop, rows[0].session) : null;
    },
    async deleteShopSession(shop) {
      await pool.query('DELETE FROM shop_sessions WHERE shop = $1', [shop]);
    },
  };
}
