import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { newWebhookSecret, signWebhook } from './webhook-signature';

const BODY = JSON.stringify({ type: 'pass.installed', timestamp: '2026-03-01T12:00:00.000Z', data: { serialNumber: 'S-1' } });
const MESSAGE_ID = 'evt_01HZX3J5Q8';

function headersFor(messageId: string, timestampSeconds: number, signature: string): Record<string, string> {
  return { 'webhook-id': messageId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signature };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('newWebhookSecret', () => {
  it('is whsec_ and the base64 of 32 random bytes, different every time', () => {
    const secrets = [newWebhookSecret(), newWebhookSecret()];
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    }
    expect(secrets[0]).not.toBe(secrets[1]);
  });
});

describe('signWebhook', () => {
  it('signs what the standardwebhooks library verifies', () => {
    const secret = newWebhookSecret();
    const timestamp = nowSeconds();
    const signature = signWebhook(secret, MESSAGE_ID, timestamp, BODY);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(BODY, headersFor(MESSAGE_ID, timestamp, signature))).toEqual(JSON.parse(BODY));
  });

  it('matches the HMAC-SHA256 of "<id>.<timestamp>.<body>" under the decoded secret', () => {
    const key = Buffer.alloc(32, 7);
    const expected = createHmac('sha256', key).update(`${MESSAGE_ID}.1700000000.${BODY}`).digest('base64');
    expect(signWebhook(`whsec_${key.toString('base64')}`, MESSAGE_ID, 1_700_000_000, BODY)).toBe(`v1,${expected}`);
  });

  it('signs the body as UTF-8, byte for byte', () => {
    const secret = newWebhookSecret();
    const timestamp = nowSeconds();
    const body = JSON.stringify({ data: { holder: 'Zoë Åberg 🎟️' } });
    expect(() =>
      new Webhook(secret).verify(body, headersFor(MESSAGE_ID, timestamp, signWebhook(secret, MESSAGE_ID, timestamp, body))),
    ).not.toThrow();
  });

  it.each([
    ['a tampered body', { body: BODY.replace('S-1', 'S-2') }],
    ['another message id', { messageId: 'evt_01HZX3J5Q9' }],
    ['another secret', { secret: newWebhookSecret() }],
  ])('is rejected with %s', (_name, change: { body?: string; messageId?: string; secret?: string }) => {
    const secret = newWebhookSecret();
    const timestamp = nowSeconds();
    const signature = signWebhook(secret, MESSAGE_ID, timestamp, BODY);
    const verifier = new Webhook(change.secret ?? secret);
    expect(() => verifier.verify(change.body ?? BODY, headersFor(change.messageId ?? MESSAGE_ID, timestamp, signature))).toThrow(
      WebhookVerificationError,
    );
  });

  it('is rejected when its timestamp is older than the receiver tolerates (replay)', () => {
    const secret = newWebhookSecret();
    const tenMinutesAgo = nowSeconds() - 600;
    const signature = signWebhook(secret, MESSAGE_ID, tenMinutesAgo, BODY);
    expect(() => new Webhook(secret).verify(BODY, headersFor(MESSAGE_ID, tenMinutesAgo, signature))).toThrow(/too old/);
  });

  it.each([
    ['no whsec_ prefix', Buffer.alloc(32, 1).toString('base64')],
    ['not base64', 'whsec_not*base64!'],
    ['too short (16 bytes)', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['too long (65 bytes)', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['empty', 'whsec_'],
  ])('refuses a secret with %s, without echoing it', (_name, secret) => {
    const attempt = (): string => signWebhook(secret, MESSAGE_ID, 1_700_000_000, BODY);
    expect(attempt).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
    const secretPart = secret.replace(/^whsec_/, '');
    if (secretPart) expect(attempt).not.toThrow(secretPart);
  });

  it.each([
    ['a message id with a dot', 'evt_1.2', 1_700_000_000],
    ['an empty message id', '', 1_700_000_000],
    ['a fractional timestamp', MESSAGE_ID, 1_700_000_000.5],
    ['a negative timestamp', MESSAGE_ID, -1],
  ])('refuses %s', (_name, messageId, timestamp) => {
    expect(() => signWebhook(newWebhookSecret(), messageId, timestamp, BODY)).toThrow(expect.objectContaining({ code: 'internal_error' }));
  });
});
