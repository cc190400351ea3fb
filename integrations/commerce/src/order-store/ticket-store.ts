export interface NewOrderTicket {
  shop: string;
  orderId: string;
  /** The platform's line item id, and the unit within its quantity (0-based). */
  lineItemId: string;
  unit: number;
  /** What the ticket admits to, for pages that list an order's tickets. */
  eventName: string;
  tenantId: string;
  serialNumber: string;
  customerId: string | null;
  /** The order version the ticket now shows (UTC ISO-8601). */
  orderUpdatedAt: string;
  /** Voided (order cancelled or refunded, or the unit no longer ordered): a voided ticket stays voided. */
  voided: boolean;
  at: string;
}

export interface OrderTicketRecord extends Omit<NewOrderTicket, 'at'> {
  createdAt: string;
  updatedAt: string;
  /** When the order's link was written back to the shop, for orders whose tickets replace the order pass. */
  linkedAt: string | null;
}

/** The event tickets of orders: one row per unit of a ticket line item. */
export interface OrderTicketStore {
  /**
   * Records a ticket, or moves it forward: its pass (tenant, serial) never changes, an older order
   * version never replaces a newer one, and a voided ticket is never un-voided.
   */
  saveOrderTicket(record: NewOrderTicket): Promise<void>;
  /** A shop's tickets, of some orders or of one customer, in order then line item then unit. */
  listOrderTickets(shop: string, filter?: { orderIds?: readonly string[]; customerId?: string }): Promise<OrderTicketRecord[]>;
  /** Notes that the order's link was written back to the shop (used when the order has no order pass). */
  markOrderTicketsLinked(shop: string, orderId: string, at: string): Promise<void>;
  /** Forgets the tickets of these orders (privacy requests); how many went. The passes themselves stay. */
  deleteOrderTickets(shop: string, orderIds: readonly string[]): Promise<number>;
}

/** A ticket as the SQL stores keep it. */
export interface OrderTicketRow {
  shop: string;
  order_id: string;
  line_item_id: string;
  unit: number | string;
  event_name: string;
  tenant_id: string;
  serial_number: string;
  customer_id: string | null;
  order_updated_at: string;
  voided: number | boolean;
  created_at: string;
  updated_at: string;
  linked_at: string | null;
}

export function orderTicketFromRow(row: OrderTicketRow): OrderTicketRecord {
  return {
    shop: row.shop,
    orderId: row.order_id,
    lineItemId: row.line_item_id,
    unit: Number(row.unit),
    eventName: row.event_name,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    customerId: row.customer_id,
    orderUpdatedAt: row.order_updated_at,
    voided: row.voided === true || row.voided === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    linkedAt: row.linked_at,
  };
}

export const ORDER_TICKET_COLUMNS =
  'shop, order_id, line_item_id, unit, event_name, tenant_id, serial_number, customer_id, order_updated_at, voided, created_at, updated_at, linked_at';
