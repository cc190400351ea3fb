import { utcTimestamp, type NormalisedOrder, type OrderProduct, type OrderStatus, type OrderTracking } from '@passmint/commerce';

/**
 * An order as Shopify's order webhooks send it (the REST shape).
 * @see https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/create
 */
export interface ShopifyWebhookOrder {
  /** A number, or the exact digits when it is beyond JavaScript's safe integers (see parseJsonExact). */
  id: number | string;
  name: string;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  email?: string | null;
  customer?: { id: number | string; first_name?: string | null; last_name?: string | null; email?: string | null } | null;
  line_items?: { id?: number | string; title: string; quantity: number; variant_title?: string | null }[];
  fulfillments?: { status?: string; tracking_company?: string | null; tracking_number?: string | null; tracking_url?: string | null }[];
}

/** Whether a webhook body has what a pass needs; anything else is a 400, not a half-made pass. */
export function isWebhookOrder(body: Record<string, unknown>): body is Record<string, unknown> & ShopifyWebhookOrder {
  const text = (value: unknown) => typeof value === 'string' && value.length > 0;
  const time = (value: unknown) => text(value) && !Number.isNaN(Date.parse(value as string));
  return (
    isOrderId(body.id) &&
    text(body.name) &&
    time(body.created_at) &&
    time(body.updated_at) &&
    text(body.currency) &&
    text(body.total_price) &&
    (body.cancelled_at === null || body.cancelled_at === undefined || time(body.cancelled_at))
  );
}

/** Shopify's ids are unsigned 64-bit integers; one past 2^53 arrives as its digits (parseJsonExact). */
function isOrderId(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0;
  return typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value);
}

/** The same order read through the Admin GraphQL API (the fields ORDER_QUERY asks for). */
export interface ShopifyOrderNode {
  id: string;
  legacyResourceId: string;
  name: string;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  totalPriceSet: { shopMoney: { amount: string; currencyCode: string } };
  customer: { id: string; firstName: string | null; lastName: string | null; email: string | null } | null;
  lineItems: { nodes: { id: string; title: string; quantity: number; variantTitle: string | null }[] };
  fulfillments: { status: string; trackingInfo: { company: string | null; number: string | null; url: string | null }[] }[];
}

export const ORDER_QUERY = `query PassmintOrder($id: ID!) {
  order(id: $id) {
    id legacyResourceId name email createdAt updatedAt cancelledAt
    displayFinancialStatus displayFulfillmentStatus
    totalPriceSet { shopMoney { amount currencyCode } }
    customer { id firstName lastName email }
    lineItems(first: 250) { nodes { id title quantity variantTitle } }
    fulfillments { status trackingInfo { company number url } }
  }
}`;

/** Shopify keeps payment and fulfilment apart; a pass shows one status, the furthest along. */
function orderStatus(parts: { cancelled: boolean; financial: string; fulfillment: string }): OrderStatus {
  if (parts.cancelled || parts.financial === 'voided') return 'cancelled';
  if (parts.financial === 'refunded') return 'refunded';
  if (parts.fulfillment === 'fulfilled') return 'fulfilled';
  if (parts.fulfillment === 'partial' || parts.fulfillment === 'partially_fulfilled') return 'partially_fulfilled';
  if (['paid', 'partially_paid', 'partially_refunded', 'authorized'].includes(parts.financial)) return 'paid';
  return 'pending';
}

export function normaliseWebhookOrder(order: ShopifyWebhookOrder, shop: string): NormalisedOrder {
  const customerName = [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(' ');
  const shipped = [...listOf(order.fulfillments)]
    .reverse()
    .find((fulfillment) => fulfillment?.tracking_number && fulfillment.status !== 'cancelled');
  return {
    shop,
    orderId: String(order.id),
    orderNumber: order.name,
    createdAt: utcTimestamp(order.created_at),
    updatedAt: utcTimestamp(order.updated_at),
    status: orderStatus({
      cancelled: order.cancelled_at !== null,
      financial: order.financial_status ?? '',
      fulfillment: order.fulfillment_status ?? '',
    }),
    customer: {
      id: order.customer ? String(order.customer.id) : null,
      name: customerName || null,
      email: order.customer?.email ?? order.email ?? null,
    },
    lineItems: listOf(order.line_items)
      .filter((item) => typeof item?.title === 'string' && typeof item.quantity === 'number')
      .map((item) => ({
        title: item.title,
        quantity: item.quantity,
        ...(item.id !== undefined && item.id !== null ? { id: String(item.id) } : {}),
        variant: typeof item.variant_title === 'string' && item.variant_title ? item.variant_title : null,
      })),
    total: { amount: order.total_price, currency: order.currency },
    tracking: shipped ? tracking(shipped.tracking_company ?? null, shipped.tracking_number ?? '', shipped.tracking_url ?? null) : null,
  };
}

export function normaliseOrderNode(order: ShopifyOrderNode, shop: string): NormalisedOrder {
  const customerName = [order.customer?.firstName, order.customer?.lastName].filter(Boolean).join(' ');
  const shipped = order.fulfillments
    .filter((fulfillment) => fulfillment.status !== 'CANCELLED')
    .flatMap((fulfillment) => fulfillment.trackingInfo)
    .filter((info) => info.number)
    .at(-1);
  return {
    shop,
    orderId: order.legacyResourceId,
    orderNumber: order.name,
    createdAt: utcTimestamp(order.createdAt),
    updatedAt: utcTimestamp(order.updatedAt),
    status: orderStatus({
      cancelled: order.cancelledAt !== null,
      financial: (order.displayFinancialStatus ?? '').toLowerCase(),
      fulfillment: (order.displayFulfillmentStatus ?? '').toLowerCase(),
    }),
    customer: {
      id: order.customer ? order.customer.id.replace(/^gid:\/\/shopify\/Customer\//, '') : null,
      name: customerName || null,
      email: order.customer?.email ?? order.email,
    },
    lineItems: order.lineItems.nodes.map((item) => ({
      id: lineItemId(item.id),
      title: item.title,
      quantity: item.quantity,
      variant: item.variantTitle || null,
    })),
    total: { amount: order.totalPriceSet.shopMoney.amount, currency: order.totalPriceSet.shopMoney.currencyCode },
    tracking: shipped ? tracking(shipped.company, shipped.number ?? '', shipped.url) : null,
  };
}

/**
 * The products of an order's line items, for the shop template's ticket rules: webhooks carry
 * neither product type nor tags, so they are read through the Admin API when a template has tickets,
 * with the product's own event data (metafield `passmint.event`, type json) if it has some.
 * @see https://shopify.dev/docs/api/admin-graphql/latest/objects/LineItem
 * @see https://shopify.dev/docs/api/admin-graphql/latest/objects/Metafield
 */
export const ORDER_PRODUCTS_QUERY = `query PassmintOrderProducts($id: ID!) {
  order(id: $id) {
    lineItems(first: 250) {
      nodes { id product { productType tags event: metafield(namespace: "passmint", key: "event") { jsonValue } } }
    }
  }
}`;

export interface ShopifyLineItemProducts {
  lineItems: {
    nodes: {
      id: string;
      product: { productType: string | null; tags: string[]; event?: { jsonValue: unknown } | null } | null;
    }[];
  };
}

/** The order's line items with their products (by line item id) filled in. */
export function withProducts(order: NormalisedOrder, found: ShopifyLineItemProducts | null): NormalisedOrder {
  const products = new Map(
    (found?.lineItems.nodes ?? []).map((node) => [lineItemId(node.id), node.product ? productOf(node.product) : undefined]),
  );
  return {
    ...order,
    lineItems: order.lineItems.map((item) => {
      const product = item.id ? products.get(item.id) : undefined;
      return product ? { ...item, product } : item;
    }),
  };
}

/** A product as ticket rules see it; its `passmint.event` metafield (JSON) overrides the rule's event. */
function productOf(product: NonNullable<ShopifyLineItemProducts['lineItems']['nodes'][number]['product']>): OrderProduct {
  const event = product.event?.jsonValue;
  return {
    type: product.productType || null,
    tags: product.tags,
    categories: [],
    ...(event !== undefined && event !== null ? { event } : {}),
  };
}

/** The REST id inside a LineItem gid, as webhooks give it. */
function lineItemId(gid: string): string {
  return gid.replace(/^gid:\/\/shopify\/LineItem\//, '');
}

function tracking(company: string | null, number: string, url: string | null): OrderTracking | null {
  return number ? { company: company || null, number, url: url || null } : null;
}

/** Webhook bodies are read defensively: a list that is not one counts as empty. */
function listOf<T>(value: T[] | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}
