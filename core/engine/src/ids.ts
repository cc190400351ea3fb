import { randomBytes } from 'node:crypto';

/**
 * A random serial number: 22 URL-safe characters (128 bits), which are also valid in a Google
 * Wallet object id (`[A-Za-z0-9._-]`).
 */
export function generateSerialNumber(): string {
  return randomBytes(16).toString('base64url');
}
