import type Database from 'better-sqlite3';
import { ORDER_TICKET_COLUMNS, orderTicketFromRow, type OrderTicketRow, type OrderTicketStore } from './ticket-store';

/** The ticket rows on SQLite (migration 2 of ORDER_STORE_MIGRATIONS.sqlite). */
export function createSqliteTicketStore(db: Database.Database): OrderTicketStore {
  const sql = {
    save: db.prepare(`INSERT INTO order_tickets (${ORDER_TICKET_COLUMNS})
      VALUES (@shop, @orderId, @lineItemId, @unit, @eventName, @tenantId, @serialNumber, @customerId, @orderUpdatedAt, @voided, @at, @at, NULL)
      ON CONFLICT (shop, order_id, line_item_id, unit) DO UPDATE SET
        order_updated_at = max(order_tickets.order_updated_at, excluded.order_updated_at),
        customer_id = excluded.customer_id,
        event_name = excluded.event_name,
        voided = max(order_tickets.voided, excluded.voided),
        updated_at = excluded.updated_at`),
    list: db.prepare(`SELECT ${ORDER_TICKET_COLUMNS} FROM order_tickets
      WHERE shop = @shop AND (@customerId IS NULL OR customer_id = @customerId)
      ORDER BY order_id, created_at, line_item_id, unit`),
    linked: db.prepare('UPDATE order_tickets SET linked_at = ? WHERE shop = ? AND order_id = ?'),
    remove: db.prepare('DELETE FROM order_tickets WHERE shop = ? AND order_id = ?'),
  };
  const deleteAll = db.transaction((shop: string, orderIds: readonly string[]) =>
    orderIds.reduce((gone, orderId) => gone + sql.remove.run(shop, orderId).changes, 0),
  );
  return {
    async saveOrderTicket(record) {
      sql.save.run({ ...record, voided: record.voided ? 1 : 0 });
    },
    async listOrderTickets(shop, filter = {}) {
      const wanted = filter.orderIds ? new Set(filter.orderIds) : null;
      return (sql.list.all({ shop, customerId: filter.customerId ?? null }) as OrderTicketRow[])
        .filter((row) => !wanted || wanted.has(row.order_id))
        .map(orderTicketFromRow);
    },
    async markOrderTicketsLinked(shop, orderId, at) {
      sql.linked.run(at, shop, orderId);
    },
    async deleteOrderTickets(shop, orderIds) {
      return deleteAll(shop, orderIds);
    },
  };
}
