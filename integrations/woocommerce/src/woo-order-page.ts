import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The customer's link to an order with tickets: a page of every pass of the order. The note that
 * carries it is written by Passmint, so the link is signed with a key derived from the webhook
 * secret (no second secret to configure), over the shop and the order.
 */
export function wooOrderPageSignature(shopUrl: string, orderId: string, webhookSecret: string): string {
  const key = createHmac('sha256', webhookSecret).update('passmint order page').digest();
  return createHmac('sha256', key).update(`${shopUrl}:${orderId}`).digest('hex');
}

export function verifyWooOrderPage(shopUrl: string, orderId: string, signature: string, webhookSecret: string): boolean {
  const expected = Buffer.from(wooOrderPageSignature(shopUrl, orderId, webhookSecret), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const WOOCOMMERCE_ORDER_PAGE_PATH = '/commerce/woocommerce/orders';

export function wooOrderPagePath(shopUrl: string, orderId: string, webhookSecret: string): string {
  return `${WOOCOMMERCE_ORDER_PAGE_PATH}/${encodeURIComponent(orderId)}?signature=${wooOrderPageSignature(shopUrl, orderId, webhookSecret)}`;
}
