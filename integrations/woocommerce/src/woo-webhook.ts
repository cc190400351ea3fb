import {
  parseJsonExact,
  wantsProducts,
  type NormalisedOrder,
  type OrderProduct,
  type OrderSync,
  type OrderTarget,
} from '@passmint/commerce';
import { isWooId, lineItemProductIds, normaliseWooOrder, wooOrderProduct, type WooOrder } from './woo-order';
import type { WooShop } from './woo-shop';
import { isWooPing, verifyWooSignature } from './woo-signature';

export interface WooWebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export interface WooWebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface WooWebhookConfig {
  /** The store's site URL: the shop's name in Passmint's records. */
  shopUrl: string;
  secret: string;
  target: OrderTarget;
  sync: OrderSync;
  shop: WooShop;
  /** The customer note that carries the link; `{url}` is replaced by the pass page. */
  noteTemplate?: string;
}

const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);
const DEFAULT_NOTE =
  'Your order is in your wallet: add it to Apple Wallet or Google Wallet at {url} and it will update as your order moves.';

/**
 * Receives a WooCommerce order webhook. The delivery id changes on every retry, so deliveries are
 * not deduplicated by id: the order sync does it by the order and its `date_modified`, which makes
 * retries and late deliveries harmless.
 */
export function createWooWebhookHandler(config: WooWebhookConfig) {
  return handleWooWebhook;

  async function handleWooWebhook(request: WooWebhookRequest): Promise<WooWebhookResponse> {
    const signature = header(request.headers, 'x-wc-webhook-signature');
    if (!signature && isWooPing(request.rawBody, header(request.headers, 'content-type'))) return { status: 200, body: { ok: true } };
    if (!verifyWooSignature(request.rawBody, signature, config.secret)) {
      return { status: 401, body: { error: 'The webhook signature does not match this shop’s secret.', code: 'invalid_signature' } };
    }
    const topic = header(request.headers, 'x-wc-webhook-topic') ?? '';
    if (!ORDER_TOPICS.has(topic)) return { status: 200, body: { ignored: topic || 'no topic' } };
    const order = parseWooOrder(request.rawBody);
    if (!order) return { status: 400, body: { error: 'The webhook body is not a WooCommerce order.', code: 'invalid_order' } };
    const normalised = await withTicketProducts(normaliseWooOrder(order, config.shopUrl), order);
    const result = await config.sync.sync(normalised, config.target, (pass) =>
      config.shop.writePassLink(String(order.id), pass, (config.noteTemplate ?? DEFAULT_NOTE).replaceAll('{url}', pass.shareUrl)),
    );
    return { status: 200, body: { ...result } };
  }

  /** Ticket rules match on categories and tags, which webhooks leave out: read once per product. */
  async function withTicketProducts(normalised: NormalisedOrder, order: WooOrder): Promise<NormalisedOrder> {
    if (!wantsProducts(config.target.template.tickets)) return normalised;
    const productIds = lineItemProductIds(order);
    const products = new Map<string, OrderProduct | null>();
    for (const productId of new Set(productIds.values())) {
      const product = await config.shop.fetchProduct(productId);
      products.set(productId, product ? wooOrderProduct(product) : null);
    }
    return {
      ...normalised,
      lineItems: normalised.lineItems.map((item) => {
        const product = item.id ? products.get(productIds.get(item.id) ?? '') : undefined;
        return product ? { ...item, product } : item;
      }),
    };
  }
}

function header(headers: WooWebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An order webhook body, with its ids read exactly; null when it is not an order a pass can follow. */
export function parseWooOrder(rawBody: Buffer): WooOrder | null {
  try {
    const order = parseJsonExact(rawBody.toString('utf8')) as Partial<WooOrder>;
    const valid =
      isWooId(order.id) &&
      typeof order.status === 'string' &&
      typeof order.date_modified_gmt === 'string' &&
      typeof order.date_created_gmt === 'string' &&
      typeof order.total === 'string' &&
      typeof order.currency === 'string' &&
      !Number.isNaN(Date.parse(`${order.date_modified_gmt}Z`));
    return valid ? ({ number: String(order.id), customer_id: 0, ...order } as WooOrder) : null;
  } catch {
    return null;
  }
}
