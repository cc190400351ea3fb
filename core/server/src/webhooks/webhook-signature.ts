import { createHmac, randomBytes } from 'node:crypto';
import { PassmintError } from '@passmint/engine';

const SECRET_PREFIX = 'whsec_';
const NEW_SECRET_BYTES = 32;
// The spec's bounds for a symmetric signing secret: 24 to 64 bytes (192 to 512 bits).
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A new endpoint's signing secret: `whsec_` and the base64 of 32 random bytes, shown to the tenant
 * once and kept to sign every delivery.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(NEW_SECRET_BYTES).toString('base64')}`;
}

/**
 * The `webhook-signature` header of one attempt: `v1,` and the base64 HMAC-SHA256, keyed with the
 * secret's bytes, of `<id>.<timestamp>.<body>` — the body exactly as sent.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  // A dot in the id would let one signed content be read as another (the spec's warning).
  if (messageId === '' || messageId.includes('.')) {
    throw new PassmintError('internal_error', 'A webhook message id must be non-empty and free of dots.');
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new PassmintError('internal_error', 'A webhook timestamp must be whole unix seconds.');
  }
  const mac = createHmac('sha256', secretBytes(secret)).update(`${messageId}.${timestampSeconds}.${body}`, 'utf8');
  return `v1,${mac.digest('base64')}`;
}

function secretBytes(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  const bytes = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (bytes.length < MIN_SECRET_BYTES || bytes.length > MAX_SECRET_BYTES) {
    throw new PassmintError('secret_unreadable', 'The webhook secret is not a whsec_ secret of 24 to 64 base64 bytes.');
  }
  return bytes;
}
