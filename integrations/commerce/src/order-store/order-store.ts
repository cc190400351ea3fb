import { isSealed, type SecretBox } from '@passmint/engine';
import type { OrderTicketStore } from './ticket-store';

export interface NewOrderPass {
  /** The shop, as its platform names it: a myshopify domain or a WooCommerce site URL. */
  shop: string;
  orderId: string;
  tenantId: string;
  serialNumber: string;
  /** The order's own last-modified time (UTC ISO-8601) that the pass now shows. */
  orderUpdatedAt: string;
  customerId: string | null;
  at: string;
}

export interface OrderPassRecord extends Omit<NewOrderPass, 'at'> {
  createdAt: string;
  updatedAt: string;
  /** When the pass's link was written back to the shop; null until it was. */
  linkedAt: string | null;
}

/**
 * What the shop plugins keep: which pass follows which order, the event tickets of orders, the
 * webhook deliveries seen, and each shop's API session. One SQLite and one PostgreSQL implementation, held to one
 * conformance battery (`@passmint/commerce/testing`).
 */
export interface OrderStore extends OrderTicketStore {
  /** The pass that follows a shop's order, if the order has one. */
  findOrderPass(shop: string, orderId: string): Promise<OrderPassRecord | null>;
  /**
   * Records which pass follows an order and the order version it shows. A first save inserts;
   * later saves only move forward: one whose `orderUpdatedAt` is older than the stored one is
   * refused as 'stale', so a late webhook can never roll the record back.
   */
  saveOrderPass(record: NewOrderPass): Promise<'saved' | 'stale'>;
  /** Notes that the pass's link was written back to the shop (metafield, order meta or note). */
  markOrderPassLinked(shop: string, orderId: string, at: string): Promise<void>;
  /** A shop's order passes, all of them or those of one customer, oldest first. */
  listOrderPasses(shop: string, filter?: { customerId?: string; orderIds?: readonly string[] }): Promise<OrderPassRecord[]>;
  /** Forgets order passes (privacy requests); how many went. The passes themselves stay. */
  deleteOrderPasses(shop: string, orderIds: readonly string[]): Promise<number>;
  /** A webhook delivery seen for the first time: true; a redelivery of the same id: false. */
  recordWebhookDelivery(delivery: { source: string; id: string; at: string }): Promise<boolean>;
  /** Undoes a record whose processing failed, so the platform's retry is processed. */
  forgetWebhookDelivery(delivery: { source: string; id: string }): Promise<void>;
  /** A shop platform's API session (e.g. a Shopify app's offline token), serialised by the adapter; sealed as stored. */
  saveShopSession(shop: string, session: string, at: string): Promise<void>;
  findShopSession(shop: string): Promise<string | null>;
  deleteShopSession(shop: string): Promise<void>;
}

/** shop_sessions.session holds the offline Admin API token: sealed like the server's own secrets. */
export const SHOP_SESSION_SECRET_COLUMN = { table: 'shop_sessions', column: 'session', key: 'shop' } as const;

/** The sealed value's context: a session copied into another shop's row does not open there. */
export function shopSessionContext(shop: string): string {
  return `${SHOP_SESSION_SECRET_COLUMN.table}.${SHOP_SESSION_SECRET_COLUMN.column}:${shop}`;
}

/** Seals sessions as they are written; one an older release left in clear still reads until the host seals it. */
export function sessionSealer(box: SecretBox) {
  return {
    seal: (shop: string, session: string) => box.seal(session, shopSessionContext(shop)),
    open: (shop: string, value: string) => (isSealed(value) ? box.open(value, shopSessionContext(shop)) : value),
  };
}

/** An order pass as the SQL stores keep it. */
export interface OrderPassRow {
  shop: string;
  order_id: string;
  tenant_id: string;
  serial_number: string;
  order_updated_at: string;
  customer_id: string | null;
  created_at: string;
  updated_at: string;
  linked_at: string | null;
}

export function orderPassFromRow(row: OrderPassRow): OrderPassRecord {
  return {
    shop: row.shop,
    orderId: row.order_id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    orderUpdatedAt: row.order_updated_at,
    customerId: row.customer_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    linkedAt: row.linked_at,
  };
}
