import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
	| { ok: true }
	| { ok: false; reason: 'headers_missing' | 'timestamp_out_of_range' | 'signature_invalid' };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/** Standard Webhooks suggests five minutes: enough for clock drift, too short to replay a delivery. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * Checks a Passmint delivery as Standard Webhooks defines it: the HMAC-SHA256, under the endpoint's
 * `whsec_…` secret, of `<webhook-id>.<webhook-timestamp>.<raw body>` must equal one of the
 * space-separated `v1,<base64>` entries of `webhook-signature` (compared in constant time), and the
 * timestamp must be within five minutes of now. The package has no dependencies, so this is the
 * node's own copy of what `verifyWebhook` in `@passmint/client` does; both are tested against the
 * `standardwebhooks` package.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function checkSignature(
	secret: string,
	headers: Record<string, string | string[] | undefined>,
	rawBody: Buffer,
	now: Date = new Date(),
): SignatureCheck {
	const id = single(headers['webhook-id']);
	const timestamp = single(headers['webhook-timestamp']);
	const signatures = single(headers['webhook-signature']);
	if (!id || !timestamp || !signatures) return { ok: false, reason: 'headers_missing' };
	const age = Math.floor(now.getTime() / 1000) - Number(timestamp);
	if (!UNIX_SECONDS.test(timestamp) || Math.abs(age) > TIMESTAMP_TOLERANCE_SECONDS) {
		return { ok: false, reason: 'timestamp_out_of_range' };
	}
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
	const matches = signatures
		.split(' ')
		.filter((entry) => entry.startsWith('v1,') && BASE64.test(entry.slice(3)))
		.map((entry) => Buffer.from(entry.slice(3), 'base64'))
		.some(
			(candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
		);
	return matches ? { ok: true } : { ok: false, reason: 'signature_invalid' };
}

function single(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(' ') : value;
}
