import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * WooCommerce signs each delivery with the webhook's secret: base64 of HMAC-SHA256 over the raw
 * body, in `X-WC-Webhook-Signature`.
 * @see https://woocommerce.com/document/webhooks/
 */
export function verifyWooSignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The request WooCommerce sends when a webhook is created or re-activated: a form body
 * `webhook_id=<n>` and no signature. It must get a 2xx or WooCommerce disables the webhook.
 */
export function isWooPing(rawBody: Buffer, contentType: string | undefined): boolean {
  return (contentType ?? '').startsWith('application/x-www-form-urlencoded') && /^webhook_id=\d+$/.test(rawBody.toString('utf8').trim());
}
