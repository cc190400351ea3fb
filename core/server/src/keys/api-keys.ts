import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** `pm_live_` or `pm_test_` and at least 32 URL-safe characters. */
const API_KEY_FORMAT = /^pm_(live|test)_[A-Za-z0-9_-]{32,128}$/;
const PREFIX_LENGTH = 12;

export interface NewKeyMaterial {
  /** The key itself: shown once, never stored. */
  key: string;
  id: string;
  hash: string;
  prefix: string;
}

/** A new live key: 32 random bytes, base64url (43 characters) after `pm_live_`. */
export function generateApiKey(): NewKeyMaterial {
  const key = `pm_live_${randomBytes(32).toString('base64url')}`;
  return { key, id: `key_${randomUUID()}`, hash: hashApiKey(key), prefix: key.slice(0, PREFIX_LENGTH) };
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_FORMAT.test(key);
}

/** SHA-256, hex: keys are long random strings, so a fast hash is enough (no password stretching). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Constant-time comparison of two secrets of any length (both are hashed to equal length first). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
