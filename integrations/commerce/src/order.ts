/**
 * An order as every shop platform can describe it: the adapters (Shopify, WooCommerce) map their
 * own order resources to this, and everything after that is shared.
 */
export const ORDER_STATUSES = ['pending', 'paid', 'partially_fulfilled', 'fulfilled', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses after which the order will not move on: the pass is voided or says so, per shop. */
export const CLOSED_STATUSES: readonly OrderStatus[] = ['cancelled', 'refunded'];

export interface NormalisedOrder {
  /** The shop as its platform names it: a myshopify domain or a WooCommerce site URL. */
  shop: string;
  /** The platform's stable order id (not the number customers see). */
  orderId: string;
  /** What customers see, e.g. `#1001`. */
  orderNumber: string;
  /** When the order was placed and last changed, UTC ISO-8601. */
  createdAt: string;
  updatedAt: string;
  status: OrderStatus;
  customer: { id: string | null; name: string | null; email: string | null };
  lineItems: { title: string; quantity: number }[];
  total: { amount: string; currency: string };
  tracking: OrderTracking | null;
}

export interface OrderTracking {
  company: string | null;
  number: string;
  url: string | null;
}

/** Any date-time a platform sends, as UTC ISO-8601 (so stored versions compare as text). */
export function utcTimestamp(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`not a date-time: ${value}`);
  return new Date(time).toISOString();
}
