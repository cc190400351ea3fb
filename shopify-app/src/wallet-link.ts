import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The "Add to Wallet" link in the order confirmation. The email is rendered before any webhook
 * can run, so the link cannot carry a serial: it names the order and is signed, in the email's
 * Liquid, with a secret only the shop and Passmint know (`hmac_sha256` gives hex):
 *
 *   {% capture passmint_order %}{{ shop.permanent_domain }}:{{ order.id }}{% endcapture %}
 *   {{ passmint_url }}/commerce/shopify/wallet/{{ shop.permanent_domain }}/{{ order.id }}?signature={{ passmint_order | hmac_sha256: passmint_secret }}
 */
export function walletLinkSignature(shop: string, orderId: string, secret: string): string {
  return createHmac('sha256', secret).update(`${shop}:${orderId}`).digest('hex');
}

export function verifyWalletLink(shop: string, orderId: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(walletLinkSignature(shop, orderId, secret), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function walletLinkPath(shop: string, orderId: string, secret: string): string {
  return `/commerce/shopify/wallet/${encodeURIComponent(shop)}/${encodeURIComponent(orderId)}?signature=${walletLinkSignature(shop, orderId, secret)}`;
}
