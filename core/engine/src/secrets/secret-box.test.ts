import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createSecretBox, generateSecretKey, isSealed, parseSecretKey, sealedKeyId, secretKeyId, SecretKeyError } from './secret-box';

// A throwaway key made here: the kind of secret the box holds (a repository never carries a real one).
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('secret box', () => {
  const key = randomBytes(32);
  const box = createSecretBox([key]);

  it('seals into one versioned line that names its key and hides the plaintext', () => {
    const sealed = box.seal(PEM, 'tenants.apple_identity:ten_1');
    expect(sealed).toMatch(/^pmsec1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(isSealed(sealed)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(box.keyId);
    expect(box.keyId).toBe(secretKeyId(key));
    expect(box.open(sealed, 'tenants.apple_identity:ten_1')).toBe(PEM);
  });

  it('uses a fresh nonce each time', () => {
    expect(box.seal(PEM, 'c')).not.toBe(box.seal(PEM, 'c'));
  });

  it('refuses a value moved to another row, or altered', () => {
    const sealed = box.seal(PEM, 'tenants.apple_identity:ten_1');
    expect(() => box.open(sealed, 'tenants.apple_identity:ten_2')).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0]! ^= 1;
    parts[3] = ciphertext.toString('base64url');
    expect(() => box.open(parts.join('.'), 'tenants.apple_identity:ten_1')).toThrow(SecretKeyError);
    expect(() => box.open('pmsec1.garbage', 'c')).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
  });

  it('names the key it lacks', () => {
    const other = createSecretBox([randomBytes(32)]);
    const sealed = other.seal(PEM, 'c');
    expect(() => box.open(sealed, 'c')).toThrow(
      expect.objectContaining({ code: 'secret_key_unknown', message: expect.stringContaining(other.keyId) }),
    );
  });

  it('seals with the first key and opens with every key of the ring', () => {
    const old = createSecretBox([key]).seal(PEM, 'c');
    const next = randomBytes(32);
    const ring = createSecretBox([next, key]);
    expect(ring.keyIds).toEqual([secretKeyId(next), secretKeyId(key)]);
    expect(ring.open(old, 'c')).toBe(PEM);
    expect(sealedKeyId(ring.seal(PEM, 'c'))).toBe(secretKeyId(next));
  });

  it('passes plaintext (a row not migrated yet) through', () => {
    expect(isSealed('{"certificatePem":"x"}')).toBe(false);
    expect(sealedKeyId('{"x":1}')).toBeNull();
    expect(box.open('{"x":1}', 'c')).toBe('{"x":1}');
  });
});

describe('master keys', () => {
  it('reads 32 bytes as base64, base64url or hex, and nothing else', () => {
    const bytes = randomBytes(32);
    expect(parseSecretKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseSecretKey(`${bytes.toString('base64url')}\n`)).toEqual(bytes);
    expect(parseSecretKey(bytes.toString('hex').toUpperCase())).toEqual(bytes);
    expect(parseSecretKey(generateSecretKey())).toHaveLength(32);
    expect(parseSecretKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseSecretKey(randomBytes(33).toString('base64'))).toBeNull();
    expect(parseSecretKey('correct horse battery staple')).toBeNull();
    expect(parseSecretKey('')).toBeNull();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => createSecretBox([randomBytes(16)])).toThrow(expect.objectContaining({ code: 'secret_key_invalid' }));
    expect(() => createSecretBox([])).toThrow(expect.objectContaining({ code: 'secret_key_missing' }));
  });

  it('gives different keys different ids', () => {
    expect(secretKeyId(randomBytes(32))).not.toBe(secretKeyId(randomBytes(32)));
  });
});
