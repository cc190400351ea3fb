import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { PassmintWebhookError, verifyWebhook, type WebhookErrorCode } from '@passmint/client';
import { PassmintBaseError } from '@passmint/engine/errors';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const reference = new Webhook(secret);
const body = JSON.stringify({
  type: 'pass.installed',
  timestamp: '2026-12-07T10:00:00.000Z',
  data: { serialNumber: 'Wnz3NJ9cx3mhpKaLvQRIhQ', platform: 'apple', deviceId: 'dev_1' },
});

/** Headers for `body` as the reference library signs them, at `at`. */
function signed(at = new Date(), id = 'evt_0001', payload = body, signer = reference) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, payload),
  };
}

function refusal(action: () => unknown): { code: WebhookErrorCode; error: unknown } {
  try {
    action();
  } catch (error) {
    return { code: (error as PassmintWebhookError).code, error };
  }
  throw new Error('it verified');
}

test('what the standardwebhooks package signs verifies, for any secret, id and body', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 64 }),
      fc.stringMatching(/^evt_[A-Za-z0-9_-]{1,40}$/),
      fc.string(),
      fc.dictionary(fc.string(), fc.jsonValue()),
      (key, id, serialNumber, extra) => {
        const keySecret = `whsec_${Buffer.from(key).toString('base64')}`;
        const payload = JSON.stringify({ type: 'pass.updated', timestamp: '2026-12-07T10:00:00Z', data: { ...extra, serialNumber } });
        const headers = signed(new Date(), id, payload, new Webhook(keySecret));
        const verified = verifyWebhook(keySecret, headers, payload);
        expect(verified).toEqual({ id, ...JSON.parse(payload) });
        // The same bytes as a Uint8Array, and the secret without its prefix, as the reference library takes it.
        expect(verifyWebhook(keySecret.slice('whsec_'.length), headers, new TextEncoder().encode(payload))).toEqual(verified);
      },
    ),
    { numRuns: 200 },
  );
});

test('what the contract describes (HMAC-SHA256 of "<id>.<timestamp>.<body>", base64) both libraries accept', () => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`evt_0002.${timestamp}.${body}`).digest('base64');
  const headers = { 'webhook-id': 'evt_0002', 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
  expect(reference.verify(body, headers)).toEqual(JSON.parse(body));
  expect(verifyWebhook(secret, headers, body)).toEqual({ id: 'evt_0002', ...JSON.parse(body) });
});

test('one matching v1 signature among several is enough; other versions and malformed entries are skipped', () => {
  const headers = signed();
  const good = headers['webhook-signature'];
  const other = `v1,${randomBytes(32).toString('base64')}`;
  expect(verifyWebhook(secret, { ...headers, 'webhook-signature': `${other} v1a,${good.slice(3)} v1,@@ ${good}` }, body).id).toBe(
    'evt_0001',
  );
  // The same signature under another version tag is not a v1 signature.
  expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-signature': `${other} v2,${good.slice(3)}` }, body)).code).toBe(
    'webhook_signature_invalid',
  );
});

test('a changed body, id, timestamp or secret is refused with webhook_signature_invalid', () => {
  const headers = signed();
  const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const attempts = [
    () => verifyWebhook(secret, headers, body.replace('dev_1', 'dev_2')),
    () => verifyWebhook(secret, headers, `${body} `),
    () => verifyWebhook(secret, { ...headers, 'webhook-id': 'evt_0009' }, body),
    () => verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }, body),
    () => verifyWebhook(otherSecret, headers, body),
    () => verifyWebhook(secret, { ...headers, 'webhook-signature': headers['webhook-signature'].slice(0, -4) }, body),
  ];
  for (const attempt of attempts) {
    const { code, error } = refusal(attempt);
    expect(code).toBe('webhook_signature_invalid');
    expect(error).toBeInstanceOf(PassmintWebhookError);
    expect(error).toBeInstanceOf(PassmintBaseError);
  }
});

test('the timestamp must be within the tolerance of now, either way (default 300 s)', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  for (const offset of [-300, 0, 300]) expect(verifyWebhook(secret, signed(at(offset)), body, { now }).id).toBe('evt_0001');
  for (const offset of [-301, 301, -86_400]) {
    expect(refusal(() => verifyWebhook(secret, signed(at(offset)), body, { now })).code).toBe('webhook_timestamp_out_of_range');
  }
  expect(verifyWebhook(secret, signed(at(-3600)), body, { now, toleranceSeconds: 3600 }).id).toBe('evt_0001');
  expect(refusal(() => verifyWebhook(secret, signed(at(-2)), body, { now, toleranceSeconds: 1 })).code).toBe(
    'webhook_timestamp_out_of_range',
  );
  // Without `now`, the clock: a delivery signed a minute ago passes, one signed an hour ago does not.
  expect(verifyWebhook(secret, signed(new Date(Date.now() - 60_000)), body).id).toBe('evt_0001');
  expect(refusal(() => verifyWebhook(secret, signed(new Date(Date.now() - 3_600_000)), body)).code).toBe('webhook_timestamp_out_of_range');
  for (const timestamp of ['', 'soon', '1.5e9', '-1700000000', '17000000000000000']) {
    const headers = { ...signed(), 'webhook-timestamp': timestamp };
    expect([timestamp, refusal(() => verifyWebhook(secret, headers, body)).code]).toEqual([
      timestamp,
      timestamp === '' ? 'webhook_headers_missing' : 'webhook_timestamp_out_of_range',
    ]);
  }
});

test('header names in any case, from Node, fetch or Zapier-style objects; a missing one is named', () => {
  const headers = signed();
  const upper = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
  expect(verifyWebhook(secret, upper, body).id).toBe('evt_0001');
  expect(verifyWebhook(secret, new Headers(headers), body).id).toBe('evt_0001');
  expect(verifyWebhook(secret, { ...headers, 'webhook-signature': [headers['webhook-signature']] }, body).id).toBe('evt_0001');
  for (const name of Object.keys(headers)) {
    const { [name as keyof typeof headers]: _left, ...rest } = headers;
    const { code, error } = refusal(() => verifyWebhook(secret, rest, body));
    expect(code).toBe('webhook_headers_missing');
    expect((error as Error).message).toContain(name);
  }
});

test('a secret that is not whsec_<base64> and a signed body that is not an event are refused with their own codes', () => {
  for (const bad of ['', 'whsec_', 'whsec_not base64!', 'pm_live_abc']) {
    expect(refusal(() => verifyWebhook(bad, signed(), body)).code).toBe('webhook_secret_invalid');
  }
  for (const payload of ['not json', '[]', '{"type":"pass.updated","timestamp":"2026-12-07T10:00:00Z"}', '{"data":{}}']) {
    expect(refusal(() => verifyWebhook(secret, signed(new Date(), 'evt_0003', payload), payload)).code).toBe('webhook_payload_invalid');
  }
  const notUtf8 = Uint8Array.from([0xff, 0xfe, 0x7b]);
  const headers = signed(new Date(), 'evt_0004', Buffer.from(notUtf8).toString('latin1'));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`evt_0004.${headers['webhook-timestamp']}.`).update(notUtf8).digest('base64');
  expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-signature': `v1,${signature}` }, notUtf8)).code).toBe(
    'webhook_payload_invalid',
  );
});
