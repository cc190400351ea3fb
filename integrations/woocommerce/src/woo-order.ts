import { utcTimestamp, type NormalisedOrder, type OrderProduct, type OrderStatus, type OrderTracking } from '@passmint/commerce';

/**
 * The part of a WooCommerce REST (wc/v3) order resource that a pass shows.
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
 */
export interface WooOrder {
  /** A number, or the exact digits when it is beyond JavaScript's safe integers (parseJsonExact). */
  id: number | string;
  number: string;
  status: string;
  currency: string;
  total: string;
  customer_id: number | string;
  date_created_gmt: string;
  date_modified_gmt: string;
  billing?: { first_name?: string; last_name?: string; email?: string };
  line_items?: {
    id?: number | string;
    name: string;
    quantity: number;
    product_id?: number | string;
    variation_id?: number | string;
    meta_data?: { key?: unknown; display_value?: unknown }[];
  }[];
  meta_data?: { id?: number; key: string; value: unknown }[];
}

/** WooCommerce's order statuses, as a pass tells them. Failed payments stay "awaiting payment". */
const STATUSES: Record<string, OrderStatus> = {
  pending: 'pending',
  'on-hold': 'pending',
  failed: 'pending',
  'checkout-draft': 'pending',
  processing: 'paid',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  trash: 'cancelled',
  refunded: 'refunded',
};

/** The meta key of the widely used Shipment Tracking extension; core WooCommerce has no tracking. */
export const SHIPMENT_TRACKING_META = '_wc_shipment_tracking_items';

export function normaliseWooOrder(order: WooOrder, shop: string): NormalisedOrder {
  const name = [order.billing?.first_name, order.billing?.last_name].filter((part) => part && part.trim()).join(' ');
  return {
    shop,
    orderId: String(order.id),
    orderNumber: `#${order.number}`,
    // The *_gmt fields are UTC without a zone designator.
    createdAt: utcTimestamp(`${order.date_created_gmt}Z`),
    updatedAt: utcTimestamp(`${order.date_modified_gmt}Z`),
    status: STATUSES[order.status] ?? 'pending',
    // Guests are customer 0.
    customer: {
      id: isWooId(order.customer_id) ? String(order.customer_id) : null,
      name: name || null,
      email: order.billing?.email || null,
    },
    lineItems: listOf(order.line_items)
      .filter(isLineItem)
      .map((item) => ({
        title: item.name,
        quantity: item.quantity,
        ...(isWooId(item.id) ? { id: String(item.id) } : {}),
        ...(variationOf(item) ? { variant: variationOf(item) } : {}),
      })),
    total: { amount: order.total, currency: order.currency },
    tracking: shipmentTracking(order),
  };
}

/** WordPress ids are unsigned 64-bit integers; one past 2^53 arrives as its digits (parseJsonExact). */
export function isWooId(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0;
  return typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value);
}

function shipmentTracking(order: WooOrder): OrderTracking | null {
  const items = listOf(order.meta_data).find((meta) => (meta as { key?: unknown } | null)?.key === SHIPMENT_TRACKING_META)?.value;
  if (!Array.isArray(items) || items.length === 0) return null;
  const latest = items[items.length - 1] as Record<string, unknown>;
  const number = typeof latest.tracking_number === 'string' ? latest.tracking_number.trim() : '';
  if (!number) return null;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  return {
    number,
    company: text(latest.custom_tracking_provider) ?? text(latest.tracking_provider),
    url: text(latest.custom_tracking_link),
  };
}

/** Webhook bodies come from plugins too: a list that is not one counts as empty. */
function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A variation's attributes as the customer chose them ("VIP", "Blue, Large"): the item meta whose
 * keys are not hidden (`_`-prefixed), in display form. Null for items that are not variations.
 */
function variationOf(item: { variation_id?: unknown; meta_data?: unknown }): string | null {
  if (!isWooId(item.variation_id)) return null;
  const values = listOf(item.meta_data as { key?: unknown; display_value?: unknown }[] | undefined)
    .filter((meta) => typeof meta?.key === 'string' && !meta.key.startsWith('_') && typeof meta.display_value === 'string')
    .map((meta) => (meta.display_value as string).trim())
    .filter(Boolean);
  return values.length > 0 ? values.join(', ') : null;
}

function isLineItem(item: unknown): item is { id?: unknown; name: string; quantity: number; variation_id?: unknown; meta_data?: unknown } {
  const candidate = item as { name?: unknown; quantity?: unknown } | null;
  return typeof candidate?.name === 'string' && typeof candidate.quantity === 'number';
}

/**
 * A WooCommerce product as ticket rules see it: its categories and tags, each by name and by slug
 * (WooCommerce products have no product type in Shopify's sense; `simple`/`variable` is not one).
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#product-properties
 */
export interface WooProductTerms {
  categories?: { name?: unknown; slug?: unknown }[];
  tags?: { name?: unknown; slug?: unknown }[];
  meta_data?: { key?: unknown; value?: unknown }[];
}

/** The product meta (a custom field) holding a product's own event data, as JSON. */
export const PRODUCT_EVENT_META = 'passmint_event';

export function wooOrderProduct(product: WooProductTerms): OrderProduct {
  const terms = (list: WooProductTerms['tags']) =>
    listOf(list).flatMap((term) => [term?.name, term?.slug].filter((value): value is string => typeof value === 'string' && value !== ''));
  const event = listOf(product.meta_data).find((meta) => meta?.key === PRODUCT_EVENT_META)?.value;
  return {
    type: null,
    tags: terms(product.tags),
    categories: terms(product.categories),
    ...(event !== undefined && event !== null && event !== '' ? { event: typeof event === 'string' ? jsonOrText(event) : event } : {}),
  };
}

/** The product id of each line item (by line item id), for looking the products up. */
export function lineItemProductIds(order: WooOrder): Map<string, string> {
  const ids = new Map<string, string>();
  for (const item of listOf(order.line_items)) {
    if (isWooId(item?.id) && isWooId(item.product_id)) ids.set(String(item.id), String(item.product_id));
  }
  return ids;
}

/** Custom fields hold text: JSON is read as such, anything else stays text (and is reported as not an object). */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
