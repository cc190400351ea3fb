import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { createProviderTokenCache, loadSigningKey, signProviderToken } from './provider-token';

const MINUTE = 60_000;

function ecKeyPem(namedCurve = 'prime256v1'): string {
  return generateKeyPairSync('ec', {
    namedCurve,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

function decode(jwt: string): { header: unknown; claims: unknown; signature: Buffer; signed: Buffer } {
  const [header = '', claims = '', signature = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown,
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as unknown,
    signature: Buffer.from(signature, 'base64url'),
    signed: Buffer.from(`${header}.${claims}`),
  };
}

describe('provider tokens', () => {
  let key: KeyObject;

  beforeAll(() => {
    key = loadSigningKey(ecKeyPem());
  });

  it('signs ES256 over {alg, kid} / {iss, iat} with a raw r||s signature in base64url', async () => {
    const jwt = await signProviderToken(key, 'ABC123DEFG', 'TEAM123456', 1_700_000_000_999);
    expect(jwt).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const parts = decode(jwt);
    expect(parts.header).toEqual({ alg: 'ES256', kid: 'ABC123DEFG' });
    expect(parts.claims).toEqual({ iss: 'TEAM123456', iat: 1_700_000_000 });
    expect(parts.signature).toHaveLength(64);
    expect(verify('sha256', parts.signed, { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, parts.signature)).toBe(true);
  });

  it('refuses keys that are not EC P-256', () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(() => loadSigningKey(rsa.privateKey)).toThrow(/P-256/);
    expect(() => loadSigningKey(ecKeyPem('secp384r1'))).toThrow(/P-256/);
    expect(() => loadSigningKey('not a key')).toThrow();
  });

  describe('cache', () => {
    let now: number;
    const cache = () => createProviderTokenCache({ signingKey: key, keyId: 'ABC123DEFG', teamId: 'TEAM123456', now: () => now });
    const iat = (jwt: string): unknown => (decode(jwt).claims as { iat: unknown }).iat;

    beforeEach(() => {
      now = Date.UTC(2030, 0, 1);
    });

    it('keeps one token for 50 minutes, then regenerates', async () => {
      const tokens = cache();
      const first = await tokens.current();
      now += 50 * MINUTE - 1;
      expect(await tokens.current()).toBe(first);
      now += 1;
      const second = await tokens.current();
      expect(second).not.toBe(first);
      expect(iat(second)).toBe(Math.floor(now / 1000));
    });

    it('after ExpiredProviderToken regenerates only once the token is 20 minutes old', async () => {
      const tokens = cache();
      const first = await tokens.current();
      now += 19 * MINUTE;
      tokens.markExpired();
      expect(await tokens.current()).toBe(first);
      now += 1 * MINUTE;
      const second = await tokens.current();
      expect(second).not.toBe(first);
      now += 20 * MINUTE;
      expect(await tokens.current()).toBe(second);
    });

    it('signs once for callers that arrive together', async () => {
      const tokens = cache();
      const [first, second] = await Promise.all([tokens.current(), tokens.current()]);
      // ES256 signatures are randomised: two signings would give two different tokens.
      expect(second).toBe(first);
    });

    it('regenerates when the clock went backwards (iat would be in the future)', async () => {
      const tokens = cache();
      const first = await tokens.current();
      now -= MINUTE;
      expect(await tokens.current()).not.toBe(first);
    });
  });
});
