import { createHmac } from 'node:crypto';
import { isWooPing, verifyWooSignature } from './woo-signature';

const body = Buffer.from('{"id":727}');
const secret = 'webhook-secret-1';
const signature = createHmac('sha256', secret).update(body).digest('base64');

test('the base64 HMAC-SHA256 of the raw body with the secret verifies; anything else does not', () => {
  expect(verifyWooSignature(body, signature, secret)).toBe(true);
  expect(verifyWooSignature(Buffer.from('{"id":728}'), signature, secret)).toBe(false);
  expect(verifyWooSignature(body, signature, 'another-secret')).toBe(false);
  expect(verifyWooSignature(body, undefined, secret)).toBe(false);
  expect(verifyWooSignature(body, 'not base64 !!', secret)).toBe(false);
  expect(verifyWooSignature(body, createHmac('sha256', secret).update(body).digest('hex'), secret)).toBe(false);
});

test("WooCommerce's creation ping is a form body with only the webhook id", () => {
  expect(isWooPing(Buffer.from('webhook_id=15'), 'application/x-www-form-urlencoded')).toBe(true);
  expect(isWooPing(Buffer.from('webhook_id=15'), 'application/json')).toBe(false);
  expect(isWooPing(Buffer.from('webhook_id=15&x=1'), 'application/x-www-form-urlencoded')).toBe(false);
  expect(isWooPing(Buffer.from('{"id":1}'), undefined)).toBe(false);
});
