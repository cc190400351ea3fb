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
  lineItems: OrderLineItem[];
  total: { amount: string; currency: string };
  tracking: OrderTracking | null;
}

export interface OrderLineItem {
  title: string;
  quantity: number;
  /** The platform's line item id: with the order and the unit, it names each ticket. */
  id?: string;
  /** The variant's title (Shopify) or the variation's attributes (WooCommerce), e.g. `VIP`. */
  variant?: string | null;
  /** What a shop template's ticket rules match on; absent when the adapter did not look it up. */
  product?: OrderProduct;
}

/**
 * The product of a line item as ticket rules see it. Shopify has a product type and tags;
 * WooCommerce has categories and tags (names or slugs).
 */
export interface OrderProduct {
  type: string | null;
  tags: readonly string[];
  categories: readonly string[];
  /**
   * The product's own event data, over the matching rule's (Shopify: the product metafield
   * `passmint.event`; WooCommerce: the product meta `passmint_event`), as JSON.
   */
  event?: unknown;
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
