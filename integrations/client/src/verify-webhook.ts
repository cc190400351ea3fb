import { createHmac, timingSafeEqual } from 'node:crypto';
import { PassmintWebhookError } from './errors';
import type { EventDataByType, EventType } from './types';

/** Request headers as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object give them; names in any case. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** A delivery that verified: the event's `id` (the `webhook-id` header) and the signed body. */
export type VerifiedWebhook = {
  [Type in EventType]: { id: string; type: Type; timestamp: string; data: EventDataByType[Type] };
}[EventType];

export interface VerifyWebhookOptions {
  /** How far the `webhook-timestamp` may be from now, either way. Default 300 s, as Standard Webhooks suggests. */
  toleranceSeconds?: number;
  /** The time to check the timestamp against. Default: the clock. */
  now?: Date;
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Checks a Passmint webhook delivery the Standard Webhooks way: all three `webhook-*` headers
 * present, `webhook-timestamp` within the tolerance of now (stops replays of an old delivery), and
 * one of the space-separated `v1,<signature>` entries equal, compared in constant time, to the
 * HMAC-SHA256 of `<id>.<timestamp>.<raw body>` under the endpoint's secret. Pass the body exactly as
 * received: re-serialised JSON differs in bytes and fails.
 * @throws PassmintWebhookError with a `code` saying which check failed.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): VerifiedWebhook {
  const key = secretBytes(secret);
  const id = headerOf(headers, 'webhook-id');
  const timestamp = headerOf(headers, 'webhook-timestamp');
  const signatures = headerOf(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    const missing = Object.entries({ 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures })
      .filter(([, value]) => !value)
      .map(([name]) => name);
    throw new PassmintWebhookError('webhook_headers_missing', `The delivery has no ${missing.join(', ')} header.`);
  }
  checkTimestamp(timestamp, options);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
  if (!signaturesOf(signatures).some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) {
    throw new PassmintWebhookError('webhook_signature_invalid', 'No signature of the delivery matches the secret.');
  }
  return { id, ...payloadOf(rawBody) } as VerifiedWebhook;
}

function secretBytes(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === '' || !BASE64.test(encoded)) {
    throw new PassmintWebhookError('webhook_secret_invalid', 'The secret is not the whsec_… value POST /api/webhooks returned.');
  }
  return Buffer.from(encoded, 'base64');
}

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(' ') : value;
  }
  return undefined;
}

function checkTimestamp(timestamp: string, options: VerifyWebhookOptions): void {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!UNIX_SECONDS.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    throw new PassmintWebhookError(
      'webhook_timestamp_out_of_range',
      `The delivery's webhook-timestamp (${timestamp.slice(0, 20)}) is more than ${toleranceSeconds} s from now.`,
    );
  }
}

/** `v1,<base64>` entries; other versions (`v1a`, asymmetric) and malformed ones are skipped. */
function signaturesOf(header: string): Buffer[] {
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,') && BASE64.test(entry.slice(3)))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
}

function payloadOf(rawBody: string | Uint8Array): { type: string; timestamp: string; data: Record<string, unknown> } {
  let payload: unknown;
  try {
    payload = JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    payload = undefined;
  }
  const { type, timestamp, data } = (payload ?? {}) as Record<string, unknown>;
  if (typeof type !== 'string' || typeof timestamp !== 'string' || typeof data !== 'object' || data === null) {
    throw new PassmintWebhookError('webhook_payload_invalid', 'The signed body is not a Passmint event ({ type, timestamp, data }).');
  }
  return { type, timestamp, data: data as Record<string, unknown> };
}
