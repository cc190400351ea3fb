import type { Pool } from 'pg';
import { ORDER_TICKET_COLUMNS, orderTicketFromRow, type OrderTicketRow, type OrderTicketStore } from './ticket-store';

/** The ticket rows on PostgreSQL (migration 2 of ORDER_STORE_MIGRATIONS.postgres). */
export function createPostgresTicketStore(pool: Pick<Pool, 'query'>): OrderTicketStore {
  return {
    async saveOrderTicket(record) {
      await pool.query(
        `INSERT INTO order_tickets (${ORDER_TICKET_COLUMNS})
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, NULL)
          ON CONFLICT (shop, order_id, line_item_id, unit) DO UPDATE SET
            order_updated_at = GREATEST(order_tickets.order_updated_at, excluded.order_updated_at),
            customer_id = excluded.customer_id,
            event_name = excluded.event_name,
            voided = order_tickets.voided OR excluded.voided,
            updated_at = excluded.updated_at`,
        [
          record.shop,
          record.orderId,
          record.lineItemId,
          record.unit,
          record.eventName,
          record.tenantId,
          record.serialNumber,
          record.customerId,
          record.orderUpdatedAt,
          record.voided,
          record.at,
        ],
      );
    },
    async listOrderTickets(shop, filter = {}) {
      const { rows } = await pool.query<OrderTicketRow>(
        `SELECT ${ORDER_TICKET_COLUMNS} FROM order_tickets
          WHERE shop = $1 AND ($2::text IS NULL OR customer_id = $2) AND ($3::text[] IS NULL OR order_id = ANY ($3))
          ORDER BY order_id, created_at, line_item_id, unit`,
        [shop, filter.customerId ?? null, filter.orderIds ? [...filter.orderIds] : null],
      );
      return rows.map(orderTicketFromRow);
    },
    async markOrderTicketsLinked(shop, orderId, at) {
      await pool.query('UPDATE order_tickets SET linked_at = $3 WHERE shop = $1 AND order_id = $2', [shop, orderId, at]);
    },
    async deleteOrderTickets(shop, orderIds) {
      if (orderIds.length === 0) return 0;
      const result = await pool.query('DELETE FROM order_tickets WHERE shop = $1 AND order_id = ANY ($2::text[])', [shop, [...orderIds]]);
      return result.rowCount ?? 0;
    },
  };
}
